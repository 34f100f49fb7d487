# question: q7
# mistake: blames the first layer's larger fan-in; the measurement (a steady shrinking from the
# output back, absent with ReLU) points to the sigmoid's derivative instead
explanation = "A"
