# question: q1
# mistake: the corners come out right (the public test passes), but the boundary passes within
# 0.01 of (0, 0) and (1, 1), so about half the noisy points near them are misclassified
import numpy as np

w_xor = np.array([1.0, 1.0, -2.0])
b_xor = -0.01
