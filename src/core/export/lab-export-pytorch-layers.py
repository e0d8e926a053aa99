

# Between layers a tensor is (N, C, H, W) as in LatentLab, a vector
# (N, C, 1, 1): so every layer below takes what the one before gives.


class Dense(nn.Linear):
    """LatentLab's dense: nn.Linear over the flattened sample."""

    def forward(self, x):
        return super().forward(x.flatten(1))[:, :, None, None]


class Flatten(nn.Module):
    """The sample as one vector of C*H*W values (nn.Flatten, kept 4-D)."""

    def forward(self, x):
        return x.reshape(x.shape[0], -1, 1, 1)


class Reshape(nn.Module):
    """The same values in the same order as (C, H, W) (nn.Unflatten)."""

    def __init__(self, c, h, w):
        super().__init__()
        self.shape = (c, h, w)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self):
        return "%d, %d, %d" % self.shape


class BatchNorm1d(nn.BatchNorm1d):
    """LatentLab's batchnorm1d: per feature over (N, L) of (N, C, 1, L)."""

    def forward(self, x):
        return super().forward(x.flatten(2)).reshape(x.shape)


class VaeSample(nn.Module):
    """The VAE's sampling layer: the input's channels are [mean | log-variance];
    z = mean + exp(log-variance / 2) * N(0, 1) in training, the mean in eval.
    Each forward keeps its KL divergence to N(0, 1) in .kl, on the loss'
    per-pixel scale as LatentLab has it: beta * KL per sample / output pixels."""

    def __init__(self, beta, pixels):
        super().__init__()
        self.beta, self.pixels, self.kl = beta, pixels, None

    def forward(self, x):
        mu, logvar = x.chunk(2, dim=1)
        kl = -0.5 * (1 + logvar - mu * mu - logvar.exp())
        self.kl = self.beta * kl.sum() / (x.shape[0] * self.pixels)
        if self.training:
            return mu + (0.5 * logvar).exp() * torch.randn_like(mu)
        return mu

    def extra_repr(self):
        return "beta=%g, pixels=%d" % (self.beta, self.pixels)


class LatentLabSequential(nn.Sequential):
    """Layer i's tensors are "<i>.weight", "<i>.bias", ... as in the
    safetensors file; layers [0, ENCODER_LAYERS) are the encoder."""

    def forward(self, x, logits=False):
        """x (N, *INPUT_SHAPE) in [0, 1]. logits=True stops before a final
        softmax: the cross-entropy loss takes its input."""
        last = len(self) - 1 if logits and isinstance(self[-1], nn.Softmax) else len(self)
        for layer in list(self)[:last]:
            x = layer(x)
        return x

    def encode(self, x):
        for layer in list(self)[:ENCODER_LAYERS]:
            x = layer(x)
        return x

    def decode(self, z):
        for layer in list(self)[ENCODER_LAYERS:]:
            z = layer(z)
        return z

    def kl(self):
        """The KL terms of the last forward (0 without a VaeSample)."""
        terms = [m.kl for m in self.modules() if isinstance(m, VaeSample) and m.kl is not None]
        return sum(terms) if terms else 0.0
