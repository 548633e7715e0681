class RMSNorm(nn.Module):
    """mamba_ssm's RMSNorm: x / sqrt(mean(x²) + eps) · weight."""

    def __init__(self, width, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(width))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Mamba(nn.Module):
    """mamba_ssm's mamba_simple.Mamba (bias=False, conv_bias=True) with the selective scan written out.

    Glossary (Gu & Dao, Algorithm 2): E = expand·d_model channels, N = d_state, R = dt_rank;
    Δ = softplus(dt_proj(x_proj(u)[:R])), A = -exp(A_log) [E, N], B, C = x_proj(u)[R:] [B, L, N],
    h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t u_t, y_t = (C_t · h_t + D u_t) · SiLU(z_t).
    """

    def __init__(self, d_model, d_state, d_conv, expand, dt_rank):
        super().__init__()
        d_inner = expand * d_model
        self.d_state, self.dt_rank = d_state, dt_rank
        self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
        self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner, padding=d_conv - 1, bias=True)
        self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, d_inner, bias=True)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_inner, 1))
        self.D = nn.Parameter(torch.ones(d_inner))
        self.out_proj = nn.Linear(d_inner, d_model, bias=False)

    def forward(self, x):
        """x [B, L, d_model] → [B, L, d_model]."""
        L = x.shape[1]
        xin, z = self.in_proj(x).chunk(2, dim=-1)  # [B, L, E] each
        # Causal depthwise convolution: padded K-1 on both sides, the first L outputs kept.
        u = F.silu(self.conv1d(xin.transpose(1, 2))[..., :L]).transpose(1, 2)  # [B, L, E]
        dt, B, C = self.x_proj(u).split([self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = F.softplus(self.dt_proj(dt))  # [B, L, E]; the bias goes in before softplus
        A = -torch.exp(self.A_log.float())  # [E, N]
        h = torch.zeros(x.shape[0], A.shape[0], A.shape[1], dtype=x.dtype, device=x.device)
        ys = []
        for t in range(L):  # the sequential scan, kept plain
            d = delta[:, t, :, None]  # [B, E, 1]
            h = torch.exp(d * A) * h + d * B[:, t, None, :] * u[:, t, :, None]
            ys.append((h * C[:, t, None, :]).sum(-1) + self.D * u[:, t])
        y = torch.stack(ys, dim=1) * F.silu(z)
        return self.out_proj(y)


class MixerLayer(nn.Module):
    """One pre-norm residual layer of mamba_ssm's MixerModel: s + mixer(norm(s))."""

    def __init__(self, d_model, **block):
        super().__init__()
        self.mixer = Mamba(d_model, **block)
        self.norm = RMSNorm(d_model)

    def forward(self, s):
        return s + self.mixer(self.norm(s))


class MambaEncoder(nn.Module):
    """embed (Linear input → d_model), then one Mamba block, or MixerModel's layers and a final RMSNorm."""

    def __init__(self, input_size, d_model, num_layers, **block):
        super().__init__()
        self.embed = nn.Linear(input_size, d_model)
        if num_layers == 1:
            self.mamba = Mamba(d_model, **block)
        else:
            self.layers = nn.ModuleList(MixerLayer(d_model, **block) for _ in range(num_layers))
            self.norm_f = RMSNorm(d_model)

    def forward(self, x, state=None):
        """x [B, T, input] → (features [B, T, d_model], None): every window starts from h = 0."""
        s = self.embed(x)
        if hasattr(self, "mamba"):
            return self.mamba(s), None
        for layer in self.layers:
            s = layer(s)
        return self.norm_f(s), None
