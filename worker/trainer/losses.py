"""GAN and VAE losses (rvc-formats.md §5.4), all computed in fp32."""

from __future__ import annotations

import torch


def discriminator_loss(real_outputs, fake_outputs):
    """LSGAN: Σ mean((1 - D(real))²) + mean(D(fake)²)."""
    loss = 0.0
    for dr, dg in zip(real_outputs, fake_outputs):
        dr, dg = dr.float(), dg.float()
        loss = loss + torch.mean((1 - dr) ** 2) + torch.mean(dg ** 2)
    return loss


def generator_loss(fake_outputs):
    loss = 0.0
    for dg in fake_outputs:
        loss = loss + torch.mean((1 - dg.float()) ** 2)
    return loss


def feature_loss(real_maps, fake_maps):
    """2 × Σ over discriminators and layers of mean |real.detach − fake|."""
    loss = 0.0
    for dr, dg in zip(real_maps, fake_maps):
        for r, g in zip(dr, dg):
            loss = loss + torch.mean(torch.abs(r.float().detach() - g.float()))
    return loss * 2


def kl_loss(z_p, logs_q, m_p, logs_p, z_mask):
    """KL between the posterior sample pushed through the flow and the prior, averaged over valid frames."""
    z_p, logs_q, m_p, logs_p, z_mask = (t.float() for t in (z_p, logs_q, m_p, logs_p, z_mask))
    kl = logs_p - logs_q - 0.5 + 0.5 * ((z_p - m_p) ** 2) * torch.exp(-2.0 * logs_p)
    return torch.sum(kl * z_mask) / torch.sum(z_mask)
