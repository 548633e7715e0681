// Numerically stable scalar functions shared by every kernel (prepended to their source).
// None of them overflows for |x| up to f32's range: exp is only ever taken of a non-positive
// number, except in `exp_` itself.

fn sigmoid_(x: f32) -> f32 {
  // 1 / (1 + e^-x) overflows e^-x for very negative x; use e^x / (1 + e^x) there.
  if (x >= 0.0) {
    return 1.0 / (1.0 + exp(-x));
  }
  let e = exp(x);
  return e / (1.0 + e);
}

fn tanh_(x: f32) -> f32 {
  // tanh(|x|) = (1 - e^{-2|x|}) / (1 + e^{-2|x|}): no overflow, no NaN at large |x|.
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}

fn softplus_(x: f32) -> f32 {
  // PyTorch's softplus returns x above threshold 20; below, log(1 + e^x) = max(x,0) + log(1 + e^-|x|).
  if (x > 20.0) {
    return x;
  }
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

fn silu_(x: f32) -> f32 {
  return x * sigmoid_(x);
}

fn exp_(x: f32) -> f32 {
  return exp(x);
}

// Derivatives, written in terms of the input x.
fn sigmoid_grad(x: f32) -> f32 {
  let s = sigmoid_(x);
  return s * (1.0 - s);
}

fn tanh_grad(x: f32) -> f32 {
  let t = tanh_(x);
  return 1.0 - t * t;
}

fn softplus_grad(x: f32) -> f32 {
  if (x > 20.0) {
    return 1.0;
  }
  return sigmoid_(x);
}

fn silu_grad(x: f32) -> f32 {
  let s = sigmoid_(x);
  return s * (1.0 + x * (1.0 - s));
}
