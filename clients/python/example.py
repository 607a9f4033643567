"""Open an account, deposit into it and read the outcome and the wallet, from Python. Prints one line per step.

    python3 clients/python/example.py --bootstrap 127.0.0.1:9092 --registry http://127.0.0.1:8081 --user py-alice

With --schema TOPIC=FILE the requests to TOPIC are written with your own copy of a schema (for instance v1, kept in
avro-idl/src/main/released/), found in the registry by its content, instead of the registry's latest version.
"""

import argparse
import json
import sys

from kantor_client import Kantor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--registry", default="http://127.0.0.1:8081")
    parser.add_argument("--user", default="py-alice")
    parser.add_argument("--amount", default="7.00")
    parser.add_argument("--schema", action="append", default=[], metavar="TOPIC=FILE")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each event followed")
    args = parser.parse_args()

    kantor = Kantor(args.bootstrap, args.registry)
    for pinned in args.schema:
        topic, path = pinned.split("=", 1)
        with open(path, encoding="utf-8") as schema:
            schema_id, version = kantor.registry.pin(f"{topic}-value", schema.read())
        print(json.dumps({"step": "schema", "subject": f"{topic}-value", "id": schema_id, "version": version}), flush=True)
    account = kantor.open_account(args.user, "EUR", "From Python")
    kantor.follow(["accounts"], lambda topic, event: event.get("accountId") == account, timeout=args.timeout)
    print(json.dumps({"step": "opened", "accountId": account}), flush=True)

    deposit = kantor.transact(args.user, account, "DEPOSIT", args.amount, "EUR")
    status, event = kantor.outcome(deposit, timeout=args.timeout)
    credited = event.get("credited") or {}
    print(json.dumps({"step": "deposit", "transactionId": deposit, "status": status,
                      "credited": str(credited.get("amount")), "currency": credited.get("currency")}), flush=True)

    _, wallet = kantor.follow(["wallets"], lambda topic, event: event.get("userId") == args.user
                              and any(b["currency"] == "EUR" and b["amount"] > 0 for b in event.get("balances", [])),
                              timeout=args.timeout)
    print(json.dumps({"step": "wallet", "balances": {b["currency"]: str(b["amount"]) for b in wallet["balances"]}}), flush=True)
    return 0 if status == "APPROVED" else 1


if __name__ == "__main__":
    sys.exit(main())
