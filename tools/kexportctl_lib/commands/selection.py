"""`kexportctl selection`: preview the commitment of a closed round (the
inputs hash to publish before the seed is drawn), run the draw with the
published seed, and verify it."""

from .. import enums, errors, names, output, request_ids


def register(tree):
    group = tree.group("selection", "verifiable selection of a closed round")
    parser = group.command("preview", preview, "applications",
                           "the inputs the draw would take now, and their hash to publish")
    parser.add_argument("round", help="programs/P/rounds/R or P/R")
    parser = group.command("run", run_selection, "applications",
                           "run the round's selection once, with the published seed",
                           mutating=True)
    parser.add_argument("round", help="programs/P/rounds/R or P/R")
    parser.add_argument("--seed", required=True,
                        help="the value the round's seed source published")
    parser.add_argument("--expect-inputs", default="", metavar="SHA256",
                        help="the inputs hash published from `preview`; the draw is "
                        "refused if the inputs changed since")
    parser = group.command("verify", verify, "applications",
                           "recompute a selection and check it (exit 1 if it does not "
                           "verify)")
    parser.add_argument("round", help="programs/P/rounds/R or P/R")
    parser.add_argument("--expect-commitment", default="", metavar="SHA256",
                        help="the commitment hash as published")


def preview(client, args):
    commitment = client.call("applications", "PreviewSelectionCommitment",
                             {"round": names.round_(args.round)})
    if args.json:
        output.print_json(commitment)
        return 0
    output.fields(commitment_fields(commitment, len(commitment.inputs)))
    print()
    output.table(("brn", "application", "weight", "requested", "submitted"), [
        (i.brn, i.application, i.weight, output.won(i.requested_amount_won),
         output.when(i.submit_time)) for i in commitment.inputs], empty="no eligible inputs")
    return 0


def commitment_fields(commitment, inputs):
    return [
        ("algorithm", commitment.algorithm_version),
        ("inputs", inputs),
        ("inputs sha256", commitment.inputs_sha256),
        ("seed source", commitment.seed_source),
        ("seed value", commitment.seed_value),
        ("capacity", commitment.capacity),
        ("budget available", output.won(commitment.budget_available_won) + " won"),
        ("commitment sha256", commitment.commitment_sha256)]


def run_selection(client, args):
    # The summary, then the entries page by page: a large round's whole
    # selection does not fit in one answer.
    selection = client.call("applications", "RunSelection", {
        "round": names.round_(args.round), "seed_value": args.seed,
        "expected_inputs_sha256": args.expect_inputs,
        "request_id": request_ids.for_command(args, "selection"),
        "view": "SELECTION_VIEW_BASIC"})
    entries, _ = client.pages("applications", "ListSelectionEntries",
                              {"parent": selection.name}, "entries", 0)
    selection.entries.extend(entries)
    if args.json:
        inputs, _ = client.pages("applications", "ListSelectionInputs",
                                 {"parent": selection.name}, "inputs", 0)
        selection.commitment.inputs.extend(inputs)
        output.print_json(selection)
    else:
        output.fields([("selection", selection.name), ("run by", selection.run_by),
                       ("drawn", output.when(selection.draw_time))]
                      + commitment_fields(selection.commitment, selection.commitment.input_count)
                      + [("result sha256", selection.result_sha256)])
        print()
        output.table(("rank", "brn", "application", "outcome", "amount", "reason"), [
            (e.rank, e.brn, e.application, enums.label(e, "outcome"),
             output.won(e.amount_won), e.outcome_reason) for e in selection.entries],
            empty="no entries")
    request_ids.announce(args)
    return 0


def verify(client, args):
    response = client.call("applications", "VerifySelection", {
        "name": names.round_(args.round) + "/selection",
        "expected_commitment_sha256": args.expect_commitment})
    if args.json:
        output.print_json(response)
    else:
        def yes(flag):
            return "yes" if flag else "NO"
        output.fields([("verified", yes(response.verified)),
                       ("inputs match", yes(response.inputs_match)),
                       ("commitment matches", yes(response.commitment_matches)),
                       ("result matches", yes(response.result_matches)),
                       ("recomputed commitment", response.recomputed_commitment_sha256)])
        for mismatch in response.mismatches:
            print(f"  {mismatch}")
    if not response.verified:
        raise errors.Failed("the selection does not verify")
    return 0
