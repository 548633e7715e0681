class Seq2Seq(nn.Module):
    """An encoder-decoder over one window: enc reads steps [0, S) (the source), dec reads the rest
    (the target shifted right, teacher forcing) starting from enc's final state; their outputs side by side in time."""

    def __init__(self, enc, dec, source_length):
        super().__init__()
        self.enc, self.dec, self.source_length = enc, dec, source_length

    def forward(self, x, state=None):
        S = self.source_length
        y_enc, final = run(self.enc, x[:, :S], None)
        y_dec, _ = run(self.dec, x[:, S:], final)
        return torch.cat([y_enc, y_dec], dim=1), None
