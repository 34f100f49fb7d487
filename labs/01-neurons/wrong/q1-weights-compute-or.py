# question: q1
# mistake: right features, but weights that ignore the product: the neuron computes OR, wrong
# on the corner (1, 1)
import numpy as np

w_xor = np.array([1.0, 1.0, 0.0])
b_xor = -0.5
