"""k-nearest neighbours with Euclidean distance, computed in batches of matrix products.

The 1998 paper's simplest baseline needs no training: it stores all 60,000 images
and labels a test digit by the labels of the closest ones. Its cost is the point
the paper makes: about 24 million multiply-adds per digit, against LeNet-5's 401 thousand.
"""

from __future__ import annotations

import torch


def knn_predict(
    train_images: torch.Tensor,
    train_labels: torch.Tensor,
    test_images: torch.Tensor,
    k: int = 3,
    batch_size: int = 250,
    num_classes: int = 10,
) -> torch.Tensor:
    """Majority label among the ``k`` nearest training images (ties go to the nearest one)."""
    if k < 1 or k > len(train_images):
        raise ValueError(f"k must be between 1 and {len(train_images)}")
    train = train_images.reshape(len(train_images), -1).float()
    test = test_images.reshape(len(test_images), -1).float()
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"train images have {train.shape[1]} pixels, test images {test.shape[1]}")
    train_sq = (train * train).sum(1)
    # A vote weighs 1, less a little for rank, so that a tie goes to the nearest neighbour.
    weights = 1.0 - 1e-3 * torch.arange(k, dtype=torch.float32, device=train.device)
    predictions = []
    for start in range(0, len(test), batch_size):
        batch = test[start : start + batch_size]
        # |a-b|^2 = |a|^2 - 2 a.b + |b|^2; |a|^2 is the same for every candidate, so omit it.
        # In place: the [batch, 60000] matrix is the largest thing in memory (60 MB per
        # 250 test digits), so make it once.
        distances = (batch @ train.T).mul_(-2.0).add_(train_sq)
        nearest = distances.topk(k, dim=1, largest=False).indices
        votes = torch.zeros(len(batch), num_classes, device=train.device)
        votes.scatter_add_(1, train_labels[nearest], weights.expand(len(batch), k))
        predictions.append(votes.argmax(1))
    return torch.cat(predictions)
