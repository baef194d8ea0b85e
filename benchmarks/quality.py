"""Bits per note of the n-gram, the shipped LSTM and the shipped Transformer on one test split.

All three are scored in the same run, on the same folk test tunes (the split
of ``helpers.token_data``), in the same windows of 256 tokens. The n-gram's
order is chosen on the validation split. The README's quality table comes
from this script.

Run: .venv/bin/python benchmarks/quality.py [--orders 4,5,6]    (about 10 minutes on 2 CPU cores)
"""

import argparse
import time

from helpers.models import NGramConfig, NGramModel
from helpers.checkpoints import load_pretrained, pretrained_info
from helpers.token_data import folk_token_data
from helpers.training import score


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default="4,5,6", help="n-gram orders to try (chosen on valid)")
    args = parser.parse_args()

    transformer, tokenizer = load_pretrained("folk-transformer")
    lstm, lstm_tokenizer = load_pretrained("folk-lstm")
    assert lstm_tokenizer == tokenizer, "the shipped models must share a tokenizer to be compared"
    data = folk_token_data(tokenizer)
    print(data.summary())

    best = None
    for order in (int(o) for o in args.orders.split(",")):
        started = time.monotonic()
        model = NGramModel(NGramConfig(vocab_size=len(tokenizer.vocab), order=order)).fit(data.ids["train"])
        valid = score(model, data, "valid")
        print(f"  {order}-gram: valid {valid['bits_per_note']:.3f} bits/note ({time.monotonic() - started:.0f} s)")
        if best is None or valid["nats_per_token"] < best[2]["nats_per_token"]:
            best = (f"{order}-gram", model, valid)

    rows = [(best[0], best[1], best[2], "counted from the training split"),
            ("LSTM", lstm, None, pretrained_info("folk-lstm")["command"]),
            ("Transformer", transformer, None, pretrained_info("folk-transformer")["command"])]
    results = []
    print(f"\n| model | valid bits/note | test bits/note | test nats/token | trained by |")
    print("|---|---|---|---|---|")
    for name, model, valid, how in rows:
        valid = valid or score(model, data, "valid")
        test = score(model, data, "test")
        results.append(test["bits_per_note"])
        print(f"| {name} | {valid['bits_per_note']:.3f} | {test['bits_per_note']:.3f} | "
              f"{test['nats_per_token']:.4f} | `{how}` |")
    ngram, lstm_bits, transformer_bits = results
    print(f"\nTransformer < LSTM < n-gram on the test split: "
          f"{'yes' if transformer_bits < lstm_bits < ngram else 'NO'}")


if __name__ == "__main__":
    main()
