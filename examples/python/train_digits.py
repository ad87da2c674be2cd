"""Training a small network on the digits (8x8 images, 10 classes), then predicting with the
saved model, from NumPy arrays to NumPy arrays.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/python/train_digits.py
"""

import os
import tempfile

import numpy as np

import descent

X, y = descent.datasets.load("digits")
print(f"digits: {X.shape[0]} images of {X.shape[1]} pixels, classes {sorted(set(y.tolist()))}")

checkpoint = os.path.join(tempfile.mkdtemp(), "digits.ckpt")
run = descent.train(data="digits", model="mlp(hidden=[64])", optimizer="adam", epochs=10,
                    checkpoint=checkpoint)
print("epoch  train loss  test loss  test acc")
for e in run.history:
    print(f"{e['epoch']:5d}  {e['train_loss']:10.4f}  {e['test_loss']:9.4f}  {e['test_metric']:8.2%}")

model = descent.Model.load(checkpoint)
predicted = model.predict(X)
print(f"accuracy on all {len(y)} images: {np.mean(predicted == y):.2%}")
assert run.test_metric > 0.9
