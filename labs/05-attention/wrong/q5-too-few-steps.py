# question: q5
# mistake: trains for 60 steps only: quick, but far from the target loss
import math

import torch
from torch import nn


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, width=64, n_heads=4, context=64):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, width)
        self.positions = nn.Embedding(context, width)
        self.norm1 = nn.LayerNorm(width)
        self.attend = nn.MultiheadAttention(width, n_heads, batch_first=True)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                 nn.Linear(4 * width, width))
        self.norm_out = nn.LayerNorm(width)
        self.readout = nn.Linear(width, vocab_size)

    def forward(self, ids):
        S = ids.shape[1]
        future = torch.ones(S, S, dtype=torch.bool).triu(1)
        x = self.tokens(ids) + self.positions(torch.arange(S))
        y = self.norm1(x)
        x = x + self.attend(y, y, y, attn_mask=future, need_weights=False)[0]
        x = x + self.mlp(self.norm2(x))
        return self.readout(self.norm_out(x))


def train_tiny_gpt(train_ids, vocab_size, seed=0, steps=60):
    torch.manual_seed(seed)
    model = TinyGPT(vocab_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.02, betas=(0.9, 0.99),
                                  weight_decay=0.0)

    def rate(k):
        return min(1.0, (k + 1) / 30) * 0.5 * (1 + math.cos(math.pi * k / steps))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    for x, t in char_batches(train_ids, steps):  # noqa: F821 - the notebook's helper
        loss = nn.functional.cross_entropy(model(x).flatten(0, 1), t.flatten())
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
    return model.eval()
