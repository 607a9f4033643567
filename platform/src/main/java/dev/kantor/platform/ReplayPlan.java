package dev.kantor.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which selected dead letters a replay sends, and which it refuses and why: replayed before (unless forced), or
 * without a source topic to go back to. Decided before anything is sent, so the operator sees both lists.
 */
record ReplayPlan(List<DeadLetterRecord> toSend, List<String> refusals) {

    static ReplayPlan of(List<DeadLetterRecord> selected, Map<String, ReplayLog.Entry> replays, boolean force) {
        List<DeadLetterRecord> send = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (DeadLetterRecord record : selected) {
            String place = record.topic() + " " + record.partition() + ":" + record.offset();
            ReplayLog.Entry earlier = replays.get(record.id());
            if (record.sourceTopic().isEmpty()) {
                refused.add(place + ": no " + DeadLetterRecord.SOURCE_TOPIC + " header, so no topic to send it back to");
            } else if (earlier != null && !force) {
                refused.add(place + ": already replayed " + earlier.describe() + " (--force sends it again)");
            } else {
                send.add(record);
            }
        }
        return new ReplayPlan(List.copyOf(send), List.copyOf(refused));
    }
}
