# question: q1
# mistake: counts the padding once, as if zeros were added on one side only
def conv_output_size(n, kernel, stride=1, padding=0, dilation=1):
    if kernel < 1 or stride < 1 or padding < 0 or dilation < 1:
        raise ValueError("bad argument")
    span = dilation * (kernel - 1) + 1
    if span > n + padding:
        raise ValueError("the kernel does not fit")
    return (n + padding - span) // stride + 1
