def torch_rnn(cell, input_size, hidden_size, num_layers, bidirectional=False, learned_initial_state=False):
    """nn.RNN (tanh), nn.LSTM or nn.GRU, batch_first, with Timestep's learned initial states if asked:
    h0_l{l}[_reverse] (and c0_… for an LSTM), each [hidden], registered on the module itself so that
    they sit beside PyTorch's own parameters under the same prefix (run() reads them)."""
    rnn = {"rnn_tanh": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
    if learned_initial_state:
        for l in range(num_layers):
            for d in range(2 if bidirectional else 1):
                suffix = f"_l{l}" + ("_reverse" if d else "")
                rnn.register_parameter("h0" + suffix, nn.Parameter(torch.zeros(hidden_size)))
                if cell == "lstm":
                    rnn.register_parameter("c0" + suffix, nn.Parameter(torch.zeros(hidden_size)))
    return rnn
