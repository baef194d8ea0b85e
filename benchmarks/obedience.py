"""Does the conditioned model do what the prompt asks? And are the measuring tools right?

Prints, in one run:

1. the key finder on real tunes: how often Krumhansl-Schmuckler (with
   Krumhansl-Kessler and with Aarden's profiles) agrees with the corpus's
   written keys, on the validation and test tunes; the profiles used below
   are the ones that do better on the validation tunes;
2. melody-track choice on the 365 Bach chorales written as multi-track MIDI
   (the soprano is the melody), and the skyline's share of soprano notes;
3. obedience of the conditioned model on the fixed prompts of
   ``helpers.obedience.PROMPTS``: the share of pieces whose meter, key,
   density and type features match the request, prompted vs unprompted,
   against the targets (meter >= 90 %, key >= 70 %), with the classifier-free
   guidance that prompts get by default (``helpers.prompt.GUIDANCE``); again
   with the meter left to the model (``write_meter=False``: only the METER
   token asks); and the same prompts at each other ``--guidance`` (1 = none),
   with how close the pieces stay to real tunes (Yang & Lerch overlap);
4. what the conditions are worth: test bits per note with and without them.

Run: .venv/bin/python benchmarks/obedience.py [--checkpoint folk-conditioned | PATH/best.pt]
     [--pieces 32] [--tokens 256] [--guidance 1 2 3]   (about 7 minutes on 2 idle CPU cores)
"""

import argparse
import time

import numpy as np

TARGETS = {"meter": 0.90, "key": 0.70}


def key_finder_accuracy(conditions):
    from helpers.obedience import real_tune_accuracy
    from helpers.token_data import folk_split

    split = folk_split()
    print("\n1. Key finder against the corpus's written keys (share of tunes with the same key)")
    results = {}
    for profiles in ("krumhansl", "aarden"):
        results[profiles] = {name: real_tune_accuracy(conditions, split[name], profiles)["key"]
                             for name in ("valid", "test")}
        print(f"   {profiles:>9}: valid {results[profiles]['valid']:.3f}, test {results[profiles]['test']:.3f}")
    chosen = max(results, key=lambda p: results[p]["valid"])
    print(f"   using {chosen!r} below (better on the validation tunes)")
    return chosen, results


def melody_choice_on_chorales():
    from helpers import corpus
    from helpers.melody_extraction import choose_melody_track, skyline_notes
    from helpers.notes import midi_bytes_to_sequence, sequence_to_midi_bytes

    table = corpus.corpus_table()
    ids = list(table.id[table.collection == "chorales"])
    right, precision, recall, started = 0, [], [], time.monotonic()
    for piece in corpus.load_pieces(ids):
        midi = midi_bytes_to_sequence(sequence_to_midi_bytes(piece))   # as a multi-track MIDI file
        soprano = min(n.instrument for n in midi.notes)
        choice = choose_melody_track(midi)
        right += choice is not None and choice[0] == soprano
        top = {(n.pitch, round(n.start_time, 6)) for n in midi.notes if n.instrument == soprano}
        line = {(p, round(s, 6)) for p, s, _, _ in skyline_notes(midi.notes)}
        precision.append(len(line & top) / len(line))
        recall.append(len(line & top) / len(top))
    print(f"\n2. Melody track on {len(ids)} chorales as multi-track MIDI: soprano chosen in "
          f"{right}/{len(ids)} ({right / len(ids):.1%}); {time.monotonic() - started:.0f} s")
    print(f"   skyline of all four voices: {np.mean(precision):.1%} of its notes are the soprano's, "
          f"{np.mean(recall):.1%} of the soprano's notes are in it")


def obedience_run(model, tokenizer, conditions, profiles, n_pieces, n_tokens):
    from helpers.obedience import PROMPTS, obedience, obedience_summary, type_features
    from helpers.prompt import GUIDANCE, parse_prompt

    prompts = {text: parse_prompt(text) for text in PROMPTS}
    features = type_features(conditions)
    started = time.monotonic()
    table = obedience(model, tokenizer, prompts, features, n_pieces=n_pieces, n_tokens=n_tokens,
                      profiles=profiles)
    summary = obedience_summary(table)
    alone = obedience(model, tokenizer, prompts, features, n_pieces=n_pieces, n_tokens=n_tokens,
                      profiles=profiles, unprompted=False, write_meter=False)
    print(f"\n3. Obedience: {len(PROMPTS)} prompts x {n_pieces} pieces of {n_tokens} tokens, and as "
          f"many unprompted; guidance {GUIDANCE:g} ({time.monotonic() - started:.0f} s)")
    print(summary.to_string())
    print(f"   meter left to the model (write_meter=False, only METER_... asks): "
          f"{alone.meter_ok.mean():.1%} of {len(alone[alone.meter_ok.notna()])} pieces")
    for field, target in TARGETS.items():
        share = summary.at[field, "prompted"]
        print(f"   {field}: {share:.1%} obeyed (target {target:.0%}): {'met' if share >= target else 'NOT met'}")
    prompted = table[table.prompted]
    for text in PROMPTS:
        rows = prompted[prompted.prompt == text]
        shares = ", ".join(f"{c[:-3]} {rows[c].mean():.0%}" for c in rows.columns
                           if c.endswith("_ok") and rows[c].notna().all())
        print(f"   {text!r}: {shares}")
    return table


def guidance_run(model, tokenizer, conditions, profiles, n_pieces, n_tokens, table, others):
    """Obedience and closeness to real tunes at each guidance; ``table`` is the default's run."""
    from helpers import corpus
    from helpers.metrics import compare_sets
    from helpers.obedience import PROMPTS, obedience, type_features
    from helpers.prompt import GUIDANCE, parse_prompt
    from helpers.token_data import folk_split

    prompts = {text: parse_prompt(text) for text in PROMPTS}
    features = type_features(conditions)
    real = corpus.load_pieces(folk_split()["test"][:200])
    tables = {GUIDANCE: table[table.prompted]}
    for guidance in sorted(set(others) - {GUIDANCE}):
        tables[guidance] = obedience(model, tokenizer, prompts, features, n_pieces=n_pieces,
                                     n_tokens=n_tokens, profiles=profiles, unprompted=False,
                                     guidance=guidance)
    print("\n3b. Classifier-free guidance (1 = none): obedience, and Yang & Lerch overlap with 200 "
          "real test tunes\n    (mean over 7 features; pitch range alone), 1 = indistinguishable")
    for guidance in sorted(tables):
        rows = tables[guidance]
        overlaps = compare_sets(list(rows.piece), real)
        shares = ", ".join(f"{c[:-3]} {rows[c].mean():.1%}" for c in rows.columns if c.endswith("_ok"))
        mark = " (default)" if guidance == GUIDANCE else ""
        print(f"   {guidance:>4g}{mark:10}: {shares}; overlap {np.mean([o['overlap'] for o in overlaps.values()]):.3f}, "
              f"pitch range {overlaps['pitch_range']['overlap']:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default="folk-conditioned",
                        help="a shipped checkpoint's name or a best.pt path")
    parser.add_argument("--pieces", type=int, default=32, help="pieces per prompt")
    parser.add_argument("--tokens", type=int, default=256, help="tokens per piece")
    parser.add_argument("--guidance", type=float, nargs="*", default=[1.0, 2.0, 3.0],
                        help="other guidance values to compare with the default (1 = none)")
    args = parser.parse_args()

    from helpers.checkpoints import load_checkpoint, load_pretrained
    from helpers.conditioning import condition_table
    from helpers.tokenizers import Tokenizer

    conditions = condition_table()
    profiles, _ = key_finder_accuracy(conditions)
    melody_choice_on_chorales()
    if args.checkpoint.endswith(".pt"):
        model, payload = load_checkpoint(args.checkpoint)
        tokenizer = Tokenizer.from_json(payload["tokenizer"])
    else:
        model, tokenizer = load_pretrained(args.checkpoint)
    table = obedience_run(model, tokenizer, conditions, profiles, args.pieces, args.tokens)
    guidance_run(model, tokenizer, conditions, profiles, args.pieces, args.tokens, table, args.guidance)

    from helpers.conditioned_model import conditioned_scores

    worth = conditioned_scores(model)
    print(f"\n4. Test tunes' first 256 tokens: {worth['with']:.3f} bits per note with their "
          f"conditions, {worth['without']:.3f} without ({worth['without'] - worth['with']:.3f} bits "
          "per note told by the conditions)")


if __name__ == "__main__":
    main()
