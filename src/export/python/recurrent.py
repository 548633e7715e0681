class Model(nn.Module):
    """encoder: nn.RNN (tanh) / nn.LSTM / nn.GRU, batch_first; head: nn.Linear on every step (or the last).

    With a learned initial state the encoder also holds h0_l{l}[_reverse] (and c0_… for an LSTM),
    each [hidden], shared by the batch: Timestep's names, not PyTorch's.
    """

    def __init__(self, cell, input_size, hidden_size, num_layers, bidirectional, learned_initial_state, output_size, many_to_one):
        super().__init__()
        rnn = {"rnn_tanh": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.encoder = rnn(input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.cell = cell
        self.directions = 2 if bidirectional else 1
        self.learned = learned_initial_state
        self.many_to_one = many_to_one
        # Rows of an initial state [L·D, B, H] in PyTorch's order: layer l, direction d at l·D + d.
        self.suffixes = [f"_l{l}" + ("_reverse" if d else "") for l in range(num_layers) for d in range(self.directions)]
        if learned_initial_state:
            for s in self.suffixes:
                self.encoder.register_parameter("h0" + s, nn.Parameter(torch.zeros(hidden_size)))
                if cell == "lstm":
                    self.encoder.register_parameter("c0" + s, nn.Parameter(torch.zeros(hidden_size)))
        self.head = nn.Linear(self.directions * hidden_size, output_size)

    def initial_state(self, batch):
        """The state a window starts from: zeros (None), or the learned one for every sequence."""
        if not self.learned:
            return None
        stack = lambda prefix: torch.stack([getattr(self.encoder, prefix + s) for s in self.suffixes])[:, None, :].expand(-1, batch, -1).contiguous()
        return (stack("h0"), stack("c0")) if self.cell == "lstm" else stack("h0")

    def forward(self, x, state=None):
        """x [B, T, input] → (predictions [B, T, output] or [B, output], final state)."""
        y, state = self.encoder(x, state if state is not None else self.initial_state(x.shape[0]))
        return self.head(y[:, -1] if self.many_to_one else y), state
