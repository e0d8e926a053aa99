

# Model files: safetensors (an 8-byte little-endian header length, a JSON
# header, then the raw little-endian tensors), LatentLab's "format", "spec"
# and "train" in its __metadata__.

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64,
          "I32": torch.int32, "F16": torch.float16, "U8": torch.uint8}


def read_safetensors(path):
    """The tensors of a .safetensors file by name."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s: too short for a safetensors file" % path)
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("%s: the header runs past the end of the file" % path)
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        buf = bytearray(body[begin:end])
        x = torch.frombuffer(buf, dtype=DTYPES[t["dtype"]]) if buf else torch.zeros(0)
        tensors[name] = x.reshape(t["shape"])
    return tensors


def load_weights(model, path):
    model.load_state_dict(read_safetensors(path), strict=True)


def save_weights(model, path, record):
    """The model as a safetensors file that LatentLab opens again."""
    names = {torch.float32: "F32", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for name, t in model.state_dict().items():
        t = t.detach().cpu().contiguous()
        blob = t.numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "latentlab-1", "spec": json.dumps(SPEC),
                              "train": json.dumps(record)}
    text = json.dumps(header).encode()
    text += b" " * (-(8 + len(text)) % 8)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(tmp, path)


def read_idx(path):
    """An IDX file (raw or .gz) as a uint8 tensor: images (N, H, W), labels (N)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] or data[1] or data[2] != 8 or not 1 <= data[3] <= 3:
        raise ValueError("%s: not an IDX file of bytes (such as train-images-idx3-ubyte)" % path)
    ndim = data[3]
    dims = struct.unpack(">%dI" % ndim, data[4:4 + 4 * ndim])
    size = math.prod(dims)
    body = data[4 + 4 * ndim:]
    if len(body) < size:
        raise ValueError("%s: ends early (%d of %d bytes)" % (path, len(body), size))
    return torch.frombuffer(bytearray(body[:size]), dtype=torch.uint8).reshape(dims)


def read_images(path, limit=0):
    x = read_idx(path)
    if x.dim() != 3:
        raise ValueError("%s: holds labels, not images" % path)
    if limit:
        x = x[:limit]
    h, w = OUTPUT_SHAPE[1:] if TASK == "super-resolve" else INPUT_SHAPE[1:]
    if INPUT_SHAPE[0] != 1 or tuple(x.shape[1:]) != (h, w):
        raise ValueError("%s: images of %dx%d, but the model takes %s"
                         % (path, x.shape[1], x.shape[2], "x".join(map(str, INPUT_SHAPE))))
    return x.unsqueeze(1)


def labels_for(path, images_path, n):
    if path is None:
        guess = images_path.replace("images-idx3", "labels-idx1")
        if guess == images_path or not os.path.exists(guess):
            raise ValueError("%s: a classifier needs labels: give --labels FILE" % images_path)
        path = guess
    y = read_idx(path)
    if y.dim() != 1 or len(y) < n:
        raise ValueError("%s: not labels for the %d images" % (path, n))
    return y[:n].long()


# Noise as LatentLab's (lab-noise.c), drawn from PyTorch's generator: the
# same kinds and amounts, not the same random numbers.

def add_noise(x, noise):
    kind, _, amount = noise.partition(":")
    f = float(amount) if amount else 0.0
    if kind == "gaussian":
        return (x + f * torch.randn_like(x)).clamp(0, 1) if f > 0 else x
    if kind == "salt-pepper":
        u = torch.rand_like(x)
        return torch.where(u < f / 2, torch.zeros_like(x), torch.where(u < f, torch.ones_like(x), x))
    if kind == "mask":
        return x.masked_fill(torch.rand_like(x) < f, 0.0)
    if kind == "downsample":
        h, w = x.shape[-2:]
        m = F.avg_pool2d(x, 2, ceil_mode=True)
        return m.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)[..., :h, :w]
    if kind == "none":
        return x
    raise ValueError("unknown noise %r: use gaussian:F, salt-pepper:F, mask:F, downsample or none" % noise)


def model_input(x):
    """What the model sees of (noisy) images x (N, 1, H, W) in [0, 1]."""
    return F.avg_pool2d(x, 2) if TASK == "super-resolve" else x


def loss_of(model, out, target):
    """LatentLab's loss: mean over the pixels (MSE or BCE) or over the batch
    (cross-entropy on the logits), plus the VAE's KL term."""
    if LOSS == "mse":
        rec = F.mse_loss(out, target)
    elif LOSS == "bce":
        rec = F.binary_cross_entropy(out, target)
    else:
        rec = F.cross_entropy(out.flatten(1), target)
    return rec + model.kl()


def check(args, weights):
    """Clean reconstruction MSE (per pixel, mean over images), as
    `latentlab-cli eval --noise none` reports it; accuracy for a classifier."""
    model = Model()
    load_weights(model, weights)
    model.eval()
    x = read_images(args.check, args.limit)
    y = labels_for(args.labels, args.check, len(x)) if TASK == "classify" else None
    total, right = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), 256):
            clean = x[i:i + 256].float() / 255
            out = model(model_input(clean))
            if y is None:
                total += (out.double() - clean.double()).pow(2).flatten(1).mean(1).sum().item()
            else:
                right += (out.flatten(1).argmax(1) == y[i:i + 256]).sum().item()
    if y is None:
        print(json.dumps({"mse": total / len(x), "images": len(x)}))
    else:
        print(json.dumps({"accuracy": right / len(x), "images": len(x)}))


def forward_to_file(args, weights):
    """The outputs of the clean images in eval mode as raw float32 (N, *OUTPUT_SHAPE)."""
    model = Model()
    load_weights(model, weights)
    model.eval()
    x = read_images(args.forward, args.limit)
    with torch.no_grad():
        out = torch.cat([model(model_input(x[i:i + 256].float() / 255)) for i in range(0, len(x), 256)])
    with open(args.out, "wb") as f:
        f.write(out.contiguous().numpy().tobytes())


def train(args, weights):
    """LatentLab's training loop: shuffled minibatches, fresh noise on the
    input of every batch, the clean image (or the label) as the target.

    With --distributed (under torchrun) every process takes its share of
    each batch, so the batch of --batch images is the same as on one
    machine, and DistributedDataParallel averages the gradients. Batch
    norm then normalises over each process's share of the batch
    (nn.SyncBatchNorm.convert_sync_batchnorm would pool the statistics
    on GPUs)."""
    rank, world, device = 0, 1, torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if args.distributed:
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        if torch.cuda.is_available():
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
            torch.cuda.set_device(device)
        else:
            device = torch.device("cpu")
    torch.manual_seed(args.seed + rank)
    model = Model()
    if not args.fresh:
        load_weights(model, weights)
    model.to(device)
    net = model
    if args.distributed:
        net = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    x = read_images(args.train, args.limit)
    y = labels_for(args.labels, args.train, len(x)) if TASK == "classify" else None
    val = read_images(args.val) if args.val else None
    val_y = labels_for(args.val_labels, args.val, len(val)) if val is not None and TASK == "classify" else None
    order = torch.Generator().manual_seed(args.seed)   # the same shuffle in every process
    history = []
    for epoch in range(1, args.epochs + 1):
        net.train()
        perm = torch.randperm(len(x), generator=order)
        total, seen = torch.zeros(2, dtype=torch.float64, device=device), 0
        for start in range(0, len(x), args.batch):
            idx = perm[start:start + args.batch]
            if len(idx) < world:
                continue   # every process must step together
            idx = idx[rank::world]
            clean = x[idx].to(device).float() / 255
            target = clean if y is None else y[idx].to(device)
            out = net(model_input(add_noise(clean, args.noise)), logits=LOSS == "softmax_ce")
            loss = loss_of(model, out, target)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += torch.tensor([loss.item() * len(idx), len(idx)], dtype=torch.float64, device=device)
        if args.distributed:
            dist.all_reduce(total)
        line = {"epoch": epoch, "train_loss": (total[0] / total[1]).item()}
        if val is not None:
            line["val_loss"] = evaluate(model, val, val_y, args.noise, device)
        history.append(line)
        if rank == 0:
            print(json.dumps(line), flush=True)
    if rank == 0 and args.out:
        record = {"dataset": os.path.abspath(args.train), "noise": args.noise, "seed": args.seed,
                  "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                  "optimizer": args.optimizer, "limit": args.limit,
                  "train_loss": [h["train_loss"] for h in history]}
        save_weights(model, args.out, record)
    if args.distributed:
        dist.destroy_process_group()


def evaluate(model, x, y, noise, device):
    """The mean loss on x in eval mode, with one fixed noise draw."""
    model.eval()
    state = torch.get_rng_state()
    torch.manual_seed(1234)
    total = 0.0
    with torch.no_grad():
        for i in range(0, len(x), 256):
            clean = x[i:i + 256].to(device).float() / 255
            target = clean if y is None else y[i:i + 256].to(device)
            out = model(model_input(add_noise(clean, noise)), logits=LOSS == "softmax_ce")
            total += loss_of(model, out, target).item() * len(clean)
    torch.set_rng_state(state)
    model.train()
    return total / len(x)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--check", metavar="IMAGES", help="print the clean reconstruction MSE on an IDX images file")
    what.add_argument("--train", metavar="IMAGES", help="go on training on an IDX images file")
    what.add_argument("--forward", metavar="IMAGES", help="write the outputs of IDX images to --out as raw float32")
    p.add_argument("--weights", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), WEIGHTS),
                   help="the model's weights (default: %s beside this file)" % WEIGHTS)
    p.add_argument("--labels", metavar="LABELS", help="IDX labels of the images (classifiers)")
    p.add_argument("--limit", type=int, help="only the first N images (--train: %d, 0 is all)" % TRAIN["limit"])
    p.add_argument("--epochs", type=int, default=TRAIN["epochs"])
    p.add_argument("--batch", type=int, default=TRAIN["batch"], help="images per step, over all processes")
    p.add_argument("--lr", type=float, default=TRAIN["lr"])
    p.add_argument("--optimizer", choices=["adam", "sgd"], default=TRAIN["optimizer"])
    p.add_argument("--noise", default=TRAIN["noise"], help="noise on the training input, such as gaussian:0.5")
    p.add_argument("--seed", type=int, default=TRAIN["seed"])
    p.add_argument("--val", metavar="IMAGES", help="IDX images to validate on after every epoch")
    p.add_argument("--val-labels", metavar="LABELS")
    p.add_argument("--fresh", action="store_true", help="start from new weights, not the saved ones")
    p.add_argument("--device", help="cpu, cuda, cuda:1... (default: cuda when there is one)")
    p.add_argument("--distributed", action="store_true",
                   help="train with DistributedDataParallel, one process per GPU, started by torchrun")
    p.add_argument("--out", help="--train: save the weights here (.safetensors); --forward: the output file")
    args = p.parse_args(argv)
    if args.forward and not args.out:
        p.error("--forward needs --out")
    if args.limit is None:
        args.limit = TRAIN["limit"] if args.train else 0
    try:
        if args.check:
            check(args, args.weights)
        elif args.forward:
            forward_to_file(args, args.weights)
        else:
            train(args, args.weights)
    except (OSError, ValueError, RuntimeError, KeyError) as e:
        sys.exit("%s: %s" % (os.path.basename(sys.argv[0]), e))


if __name__ == "__main__":
    main()
