"""Kantor from Python, with Debian's python3-confluent-kafka, python3-avro and python3-requests only.

Requests go to the topics the gateway writes (account-requests, transaction-requests); outcomes and wallets come
from the topics it reads (transactions, transactions-rejected, wallets). Values are Avro in the Confluent wire format
(magic byte 0, the 4-byte schema id, Avro binary), the schemas come from the registry's Confluent-compatible API.

Three things a Python client must do that a Java one gets for free:
- partitioner=murmur2_random: librdkafka's default partitioner is not Java's, and an account's requests must land on
  the partition the gateway uses, or their order is lost;
- amounts quantized to the contract's scale (4) before writing: python3-avro writes a Decimal's unscaled digits
  without rescaling, so Decimal('7.00') would arrive as 0.0700;
- timestamps as timezone-aware datetimes (timestamp-millis);
- following from a time with positions fixed before fetching starts (start_positions).
"""

import datetime
import decimal
import io
import struct
import sys
import time
import uuid

import avro.errors
import avro.io
import avro.schema
import requests
from confluent_kafka import Consumer, Producer, TopicPartition

SCALE = decimal.Decimal("0.0001")


def money(amount, currency):
    """Money as the contract has it: decimal(19,4), refused rather than rounded if it has more decimals."""
    value = decimal.Decimal(str(amount))
    scaled = value.quantize(SCALE)
    if scaled != value:
        raise ValueError(f"{amount} has more than 4 decimals")
    return {"amount": scaled, "currency": currency}


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class Registry:
    """The schema registry's Confluent-compatible API (Apicurio's /apis/ccompat/v7)."""

    def __init__(self, url):
        self.api = url.rstrip("/") + "/apis/ccompat/v7"
        self._by_id = {}
        self._writers = {}

    def writer(self, subject):
        """The schema records of the subject are written with: the one pinned, else the registry's latest."""
        if subject not in self._writers:
            answer = requests.get(f"{self.api}/subjects/{subject}/versions/latest", timeout=10)
            answer.raise_for_status()
            body = answer.json()
            self._writers[subject] = (body["id"], avro.schema.parse(body["schema"]))
            self._by_id[body["id"]] = self._writers[subject][1]
        return self._writers[subject]

    def pin(self, subject, schema_text):
        """Writes the subject with your own copy of a schema (the version your code was written against), found in
        the registry by its content; raises for 404 when the registry holds no such version. Returns (id, version)."""
        answer = requests.post(f"{self.api}/subjects/{subject}", json={"schema": schema_text}, timeout=10)
        answer.raise_for_status()
        body = answer.json()
        self._writers[subject] = (body["id"], avro.schema.parse(schema_text))
        return body["id"], body["version"]

    def by_id(self, schema_id):
        if schema_id not in self._by_id:
            answer = requests.get(f"{self.api}/schemas/ids/{schema_id}", timeout=10)
            answer.raise_for_status()
            self._by_id[schema_id] = avro.schema.parse(answer.json()["schema"])
        return self._by_id[schema_id]

    def encode(self, topic, value):
        schema_id, schema = self.writer(f"{topic}-value")
        out = io.BytesIO()
        out.write(struct.pack(">bI", 0, schema_id))
        avro.io.DatumWriter(schema).write(value, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode(self, data):
        magic, schema_id = struct.unpack(">bI", data[:5])
        if magic != 0:
            raise ValueError("not the Confluent wire format")
        schema = self.by_id(schema_id)
        return avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(data[5:])))


def start_positions(consumer, partitions, since):
    """Where to read each partition from: its first record written at or after since, or, where there is none yet, the
    offset its next record will get. librdkafka answers "none yet" with -1, which assign() takes as "the end when
    fetching starts": a record written in between (the outcome of the request just sent) would be skipped. So the
    ends are read first, as offsets, and anything written after that has an offset at or past them."""
    ends = [consumer.get_watermark_offsets(partition, timeout=10)[1] for partition in partitions]
    found = consumer.offsets_for_times([TopicPartition(p.topic, p.partition, int(since.timestamp() * 1000))
                                        for p in partitions], timeout=10)
    return [TopicPartition(f.topic, f.partition, f.offset if f.offset >= 0 else end) for f, end in zip(found, ends)]


class Kantor:
    """Opens accounts and moves money by producing requests; follows outcomes and wallets by consuming."""

    def __init__(self, bootstrap_servers, registry_url):
        self.bootstrap = bootstrap_servers
        self.registry = Registry(registry_url)
        # What this client follows starts a little before it did (clock skew): long-lived topics hold much history.
        self.since = _now() - datetime.timedelta(minutes=1)
        self.producer = Producer({
            "bootstrap.servers": bootstrap_servers,
            "partitioner": "murmur2_random",  # Java's partitioner: same key, same partition as the gateway
            "enable.idempotence": True,  # acks=all, no duplicates on retry
        })

    def _send(self, topic, key, event, event_type):
        errors = []
        self.producer.produce(topic, key=key.encode(), value=self.registry.encode(topic, event),
                              headers=[("event-id", event["eventId"].encode()), ("event-type", event_type.encode())],
                              on_delivery=lambda err, msg: errors.append(err) if err else None)
        self.producer.flush(30)
        if errors:
            raise RuntimeError(f"{topic}: {errors[0]}")

    def open_account(self, user, base_currency, display_name):
        """Asks for an account; returns its id (the account service opens it and announces it on accounts)."""
        account_id = str(uuid.uuid4())
        self._send("account-requests", account_id, {
            "eventId": str(uuid.uuid4()), "requestId": str(uuid.uuid4()), "accountId": account_id, "userId": user,
            "baseCurrency": base_currency, "displayName": display_name, "requestedAt": _now()}, "AccountOpeningRequested")
        return account_id

    def transact(self, user, account_id, kind, amount, currency, target_currency=None, transaction_id=None):
        """Asks for a DEPOSIT, WITHDRAWAL or EXCHANGE; returns the transaction id, the business key of a retry."""
        transaction_id = transaction_id or str(uuid.uuid4())
        self._send("transaction-requests", account_id, {
            "eventId": str(uuid.uuid4()), "transactionId": transaction_id, "accountId": account_id, "userId": user,
            "kind": kind, "amount": money(amount, currency), "targetCurrency": target_currency,
            "requestedAt": _now()}, "TransactionRequested")
        return transaction_id

    def follow(self, topics, match, timeout=60.0, since=None):
        """The first event on the topics, written since then (default: since this client started), for which
        match(topic, event) is true."""
        since = since or self.since
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": f"python-{uuid.uuid4()}",
                             "auto.offset.reset": "earliest", "enable.auto.commit": False})

        consumer.subscribe(topics, on_assign=lambda c, partitions: c.assign(start_positions(c, partitions, since)))
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                message = consumer.poll(1.0)
                if message is None or message.error():
                    continue
                try:
                    event = self.registry.decode(message.value())
                except (ValueError, TypeError, struct.error, requests.HTTPError, avro.errors.AvroException) as error:
                    # Not readable here: the consumers that must process it dead-letter it; a follower skips it.
                    print(f"skipping {message.topic()}-{message.partition()}@{message.offset()}: {error}", file=sys.stderr)
                    continue
                if match(message.topic(), event):
                    return message.topic(), event
            raise TimeoutError(f"nothing matched on {topics} within {timeout} s")
        finally:
            consumer.close()

    def outcome(self, transaction_id, timeout=60.0):
        """APPROVED or REJECTED, with the event that says so."""
        topic, event = self.follow(["transactions", "transactions-rejected"],
                                   lambda t, e: e.get("transactionId") == transaction_id, timeout)
        return ("APPROVED" if topic == "transactions" else "REJECTED"), event
