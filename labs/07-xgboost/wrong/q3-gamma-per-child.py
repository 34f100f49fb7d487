# question: q3
# mistake: subtracts gamma once per child instead of once per split
def leaf_weight(G, H, lam):
    return -G / (H + lam)


def split_gain(G_L, H_L, G_R, H_R, lam, gamma):
    def score(G, H):
        return G ** 2 / (H + lam)

    return 0.5 * (score(G_L, H_L) + score(G_R, H_R) - score(G_L + G_R, H_L + H_R)) - 2 * gamma
