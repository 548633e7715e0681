def g(v):
    """The paper's candidate: v + 0.5 for v >= 0, sigmoid(v) below (positive, continuous)."""
    return torch.where(v >= 0, v + 0.5, torch.sigmoid(v))


class MinRNN(nn.Module):
    """minGRU or minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"), stacked, batch_first.

    Layer l: k = weight_ih_l{l} · x_t + bias_ih_l{l}, gate blocks minGRU (z, h~), minLSTM (f, i, h~);
      minGRU:  a = 1 - σ(k_z),        b = σ(k_z) · c(k_h)
      minLSTM: a = f / (f + i),       b = i / (f + i) · c(k_h),  f = σ(k_f), i = σ(k_i)
      h_t = a_t ⊙ h_{t-1} + b_t      (gates read x_t only: the recurrence is linear in h)
    c is g above, or the identity. h0_l{l} [hidden]: the learned initial state, when there is one.
    """

    def __init__(self, cell, input_size, hidden_size, num_layers, candidate="g", learned_initial_state=False):
        super().__init__()
        self.cell, self.hidden_size, self.num_layers = cell, hidden_size, num_layers
        self.candidate = g if candidate == "g" else (lambda v: v)
        blocks = 2 if cell == "mingru" else 3
        for l in range(num_layers):
            fan_in = input_size if l == 0 else hidden_size
            self.register_parameter(f"weight_ih_l{l}", nn.Parameter(torch.zeros(blocks * hidden_size, fan_in)))
            self.register_parameter(f"bias_ih_l{l}", nn.Parameter(torch.zeros(blocks * hidden_size)))
        if learned_initial_state:
            for l in range(num_layers):
                self.register_parameter(f"h0_l{l}", nn.Parameter(torch.zeros(hidden_size)))

    def forward(self, x, state=None):
        """x [B, T, input], state [L, B, H] or None → (y [B, T, H], h_n [L, B, H])."""
        H = self.hidden_size
        finals = []
        for l in range(self.num_layers):
            k = F.linear(x, getattr(self, f"weight_ih_l{l}"), getattr(self, f"bias_ih_l{l}"))
            if self.cell == "mingru":
                z = torch.sigmoid(k[..., :H])
                a, b = 1 - z, z * self.candidate(k[..., H:])
            else:
                f, i = torch.sigmoid(k[..., :H]), torch.sigmoid(k[..., H : 2 * H])
                a, b = f / (f + i), i / (f + i) * self.candidate(k[..., 2 * H :])
            if hasattr(self, f"h0_l{l}"):
                h = getattr(self, f"h0_l{l}").expand(x.shape[0], H)
            else:
                h = state[l] if state is not None else x.new_zeros(x.shape[0], H)
            ys = []
            for t in range(x.shape[1]):  # sequential; the page runs the same recurrence as a parallel scan
                h = a[:, t] * h + b[:, t]
                ys.append(h)
            x = torch.stack(ys, dim=1)
            finals.append(h)
        return x, torch.stack(finals)
