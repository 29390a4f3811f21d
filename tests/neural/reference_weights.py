"""What the neural test references share: loading the weights ouroboros wrote into the same
networks built in python3-torch, and writing a loss's gradient back in the same order."""
import numpy as np
import torch


def load_parameters(modules, path):
    """Copies params.npy (every parameter of `modules`, flattened in registration order, as
    torch.nn.Module.parameters() lists them) into the modules; returns the parameter count."""
    flat = torch.from_numpy(np.load(path).astype(np.float32).ravel())
    at = 0
    with torch.no_grad():
        for module in modules:
            for p in module.parameters():
                p.copy_(flat[at:at + p.numel()].view_as(p))
                at += p.numel()
    assert at == flat.numel(), (at, flat.numel())
    return at


def save_gradients(module, path):
    """Writes every parameter's gradient of `module`, flattened in the same order, as a column."""
    grads = torch.cat([p.grad.ravel() for p in module.parameters()]).double().numpy()
    np.save(path, grads.reshape(-1, 1))
