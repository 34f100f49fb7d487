# question: q3
# mistake: forgets the factor 1/2 (the gain xgboost prints, not the objective's decrease)
def leaf_weight(G, H, lam):
    return -G / (H + lam)


def split_gain(G_L, H_L, G_R, H_R, lam, gamma):
    def score(G, H):
        return G ** 2 / (H + lam)

    return score(G_L, H_L) + score(G_R, H_R) - score(G_L + G_R, H_L + H_R) - gamma
