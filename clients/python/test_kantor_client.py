"""Tests of kantor_client against a real broker (KANTOR_BOOTSTRAP, default 127.0.0.1:9092); PythonClientIT runs them.

    KANTOR_BOOTSTRAP=127.0.0.1:9092 python3 -m unittest -v test_kantor_client
"""

import datetime
import decimal
import os
import time
import unittest
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

import kantor_client

BOOTSTRAP = os.environ.get("KANTOR_BOOTSTRAP", "127.0.0.1:9092")


class StartPositionsTest(unittest.TestCase):

    def setUp(self):
        self.topic = f"python-client-test-{uuid.uuid4()}"
        self.admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
        self.admin.create_topics([NewTopic(self.topic, num_partitions=1, replication_factor=1)])[self.topic].result(30)
        self.producer = Producer({"bootstrap.servers": BOOTSTRAP})
        self.consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"python-test-{uuid.uuid4()}",
                                  "enable.auto.commit": False})
        self.partition = [TopicPartition(self.topic, 0)]

    def tearDown(self):
        self.consumer.close()
        self.admin.delete_topics([self.topic])[self.topic].result(30)

    def send(self, value):
        self.producer.produce(self.topic, value=value)
        self.assertEqual(0, self.producer.flush(30))

    def read(self, seconds=15):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            message = self.consumer.poll(0.5)
            if message is not None and not message.error():
                return message.value()
        return None

    def test_a_record_written_between_the_lookup_and_the_assignment_is_read(self):
        # The outcome of a request can be written while the follower joins its group: after the lookup of where to
        # start found nothing, before fetching starts. That record is the one the follower waits for.
        since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
        positions = kantor_client.start_positions(self.consumer, self.partition, since)
        self.send(b"the outcome")
        self.consumer.assign(positions)
        self.assertEqual(b"the outcome", self.read())

    def test_records_written_before_since_are_not_read(self):
        self.send(b"old")
        since = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(milliseconds=50)
        positions = kantor_client.start_positions(self.consumer, self.partition, since)
        self.assertEqual(1, positions[0].offset, "past the record written before since")
        self.send(b"new")
        self.consumer.assign(positions)
        self.assertEqual(b"new", self.read())

    def test_records_written_since_are_read_from_the_first(self):
        since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
        self.send(b"first")
        self.send(b"second")
        self.consumer.assign(kantor_client.start_positions(self.consumer, self.partition, since))
        self.assertEqual(b"first", self.read())


class MoneyTest(unittest.TestCase):

    def test_amounts_are_scaled_to_the_contract(self):
        self.assertEqual(decimal.Decimal("7.0000"), kantor_client.money("7.00", "EUR")["amount"])
        self.assertEqual("EUR", kantor_client.money("7.00", "EUR")["currency"])

    def test_an_amount_with_more_decimals_than_the_contract_is_refused(self):
        with self.assertRaises(ValueError):
            kantor_client.money("0.00001", "EUR")


if __name__ == "__main__":
    unittest.main()
