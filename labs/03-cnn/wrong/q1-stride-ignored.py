# question: q1
# mistake: forgets to divide by the stride, so a strided convolution looks as large as an
# unstrided one
def conv_output_size(n, kernel, stride=1, padding=0, dilation=1):
    if kernel < 1 or stride < 1 or padding < 0 or dilation < 1:
        raise ValueError("bad argument")
    span = dilation * (kernel - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("the kernel does not fit")
    return n + 2 * padding - span + 1
