"""The JSB Chorales results: published frame NLLs beside the course's baseline, 10-minute model and shipped model.

Frame NLL: nats per quarter-note frame (the 88-key multi-hot vector, given
all earlier frames of its piece, the first frame counted), on the canonical
test split (77 chorales, 4,725 frames). Everything in the course's rows is
computed in this run: the independent-Bernoulli baseline is fitted, the
10-minute model is trained (with the command shown) and scored, and the
shipped checkpoint is scored. A second table does the same for the
16th-note, voice-separated version (Music Transformer's numbers and the
"repeat the voice's last pitch" baseline).

Run: .venv/bin/python benchmarks/jsb.py [--data FOLDER] [--out output/jsb-10min] [--reuse]
     (about 5 to 10 minutes on 2 busy CPU cores, most of it training; --reuse
     scores the model already in --out instead of training it again)
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from helpers import jsb as J
from helpers.checkpoints import pretrained_info
from helpers.frame_training import load_frame_model, train_frames
from helpers.models.frames import FrameModel, FrameModelConfig


def seconds_per_step(jsb: dict, threads: int, steps: int = 40) -> float:
    """Train the 10-minute model's shape for ``steps`` steps with ``threads`` CPU threads; seconds per step."""
    rolls, valid = J.training_rolls(jsb["train"], J.TRANSPOSE), J.training_rolls(jsb["valid"][:4])
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        train_frames(FrameModel(FrameModelConfig()), rolls, valid,
                     J.jsb_train_config(max_steps=steps, eval_every=steps), out, progress=False, threads=threads)
        return (time.monotonic() - started) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(J.default_folder()), help="folder with the benchmark files")
    parser.add_argument("--out", default="output/jsb-10min", help="where the 10-minute model is trained")
    parser.add_argument("--reuse", action="store_true", help="score the model in --out, do not train")
    args = parser.parse_args()
    jsb = J.load_jsb(args.data)
    speed = {threads: seconds_per_step(jsb, threads) for threads in (1, 2, 1)}   # 1 again: the load varies
    print(f"training speed, 40 steps of 32 x 64 frames: {speed[1]:.3f} s/step with 1 thread (second try), "
          f"{speed[2]:.3f} s/step with 2 threads")

    probs = J.fit_bernoulli(jsb["train"])
    rows = [(name, None, nll, "published") for name, nll in J.published_table()]
    rows.append(("independent Bernoulli per key, add-one smoothing", J.bernoulli_nll(probs, jsb["valid"]),
                 J.bernoulli_nll(probs, jsb["test"]), "counted from the training split (helpers.jsb.fit_bernoulli)"))

    command = ["train", "--out", args.out, "--data", args.data]
    if not args.reuse:
        started = time.monotonic()
        J.main(command)
        print(f"the 10-minute model: trained and scored in {time.monotonic() - started:.0f} s")
    model = load_frame_model(Path(args.out) / "best.pt")
    report = json.loads((Path(args.out) / "report.json").read_text())
    rows.append((f"course: LSTM + MADE, {report['parameters']:,} parameters, {report['steps']} steps "
                 f"in {report['train_seconds']:.0f} s", J.frame_nll(model, jsb["valid"])["nats_per_frame"],
                 J.frame_nll(model, jsb["test"])["nats_per_frame"], report["command"]))
    shipped, info = J.load_shipped(), pretrained_info("jsb-frames")
    rows.append((f"course: shipped `jsb-frames`, {info['parameters']:,} parameters, {info['steps']} steps",
                 J.frame_nll(shipped, jsb["valid"])["nats_per_frame"],
                 J.frame_nll(shipped, jsb["test"])["nats_per_frame"], info["command"]))

    print("\n| model | valid NLL | test NLL | how |")
    print("|---|---|---|---|")
    for name, valid, test, how in sorted(rows, key=lambda row: -row[2]):
        print(f"| {name} | {'' if valid is None else f'{valid:.2f}'} | {test:.2f} | {how} |")

    repeat = J.repeat_baseline_16th(J.load_jsb_16th(args.data))
    print("\n16th-note, voice-separated chorales (Jsb16thSeparated.json), nats per token:")
    print("| model | valid | test |")
    print("|---|---|---|")
    print("| Music Transformer, relative attention (Huang et al. 2019, published) | 0.335 | |")
    print("| Transformer (Huang et al. 2019, published) | 0.417 | |")
    print(f"| repeat the voice's last pitch ({repeat['repeat_share']:.0%} of steps), else its "
          f"pitch frequencies (computed here) | {repeat['valid']:.3f} | {repeat['test']:.3f} |")


if __name__ == "__main__":
    main()
