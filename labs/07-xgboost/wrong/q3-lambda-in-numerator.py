# question: q3
# mistake: adds lambda to the numerator of the leaf weight and of each score
def leaf_weight(G, H, lam):
    return -(G + lam) / (H + lam)


def split_gain(G_L, H_L, G_R, H_R, lam, gamma):
    def score(G, H):
        return (G ** 2 + lam) / (H + lam)

    return 0.5 * (score(G_L, H_L) + score(G_R, H_R) - score(G_L + G_R, H_L + H_R)) - gamma
