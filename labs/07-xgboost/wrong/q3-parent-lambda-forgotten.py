# question: q3
# mistake: leaves lambda out of the parent's score
def leaf_weight(G, H, lam):
    return -G / (H + lam)


def split_gain(G_L, H_L, G_R, H_R, lam, gamma):
    parent = (G_L + G_R) ** 2 / (H_L + H_R)
    return 0.5 * (G_L ** 2 / (H_L + lam) + G_R ** 2 / (H_R + lam) - parent) - gamma
