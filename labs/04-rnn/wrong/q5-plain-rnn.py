# question: q5
# mistake: builds a plain (Elman) recurrent network with nn.RNN instead of an LSTM
import torch
from torch import nn


class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden)
        self.rnn = nn.RNN(hidden, hidden, batch_first=True)
        self.readout = nn.Linear(hidden, vocab_size)

    def forward(self, ids):
        return self.readout(self.rnn(self.embed(ids))[0])


def train_char_lm(train_ids, vocab_size, seed=0, steps=400):
    torch.manual_seed(seed)
    model = CharRNN(vocab_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for x, t in char_batches(train_ids, steps):  # noqa: F821 - the notebook's helper
        loss = nn.functional.cross_entropy(model(x).flatten(0, 1), t.flatten())
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    return model.eval()
