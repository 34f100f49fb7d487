# question: q1
# mistake: treats a dilated kernel as if its taps were adjacent (span k instead of d(k-1)+1), and
# never raises for a kernel that does not fit
def conv_output_size(n, kernel, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - kernel) // stride + 1
