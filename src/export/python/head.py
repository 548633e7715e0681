def run(encoder, x, state):
    """One encoder over x [B, T, input] from `state` (None: its own initial state) → (features, final state).

    nn.RNN/LSTM/GRU start from zeros unless they hold learned initial states h0_l{l}[_reverse]
    (and c0_…), each [hidden] and shared by the batch; every other encoder here takes care of its own.
    """
    if not isinstance(encoder, nn.RNNBase):
        return encoder(x, state)
    if state is None and hasattr(encoder, "h0_l0"):
        rows = [f"_l{l}" + ("_reverse" if d else "") for l in range(encoder.num_layers) for d in range(2 if encoder.bidirectional else 1)]
        stack = lambda prefix: torch.stack([getattr(encoder, prefix + s) for s in rows])[:, None, :].expand(-1, x.shape[0], -1).contiguous()
        state = (stack("h0"), stack("c0")) if isinstance(encoder, nn.LSTM) else stack("h0")
    return encoder(x, state)


class Model(nn.Module):
    """encoder, then head: nn.Linear on every step's features (or on the last step's, many-to-one)."""

    def __init__(self, encoder, features, output_size, many_to_one):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(features, output_size)
        self.many_to_one = many_to_one

    def forward(self, x, state=None):
        """x [B, T, input] → (predictions [B, T, output] or [B, output], the state to carry on)."""
        y, state = run(self.encoder, x, state)
        return self.head(y[:, -1] if self.many_to_one else y), state
