package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.kantor.gateway.rest.StreamQuota;

class StreamQuotaTest {

    @Test
    void aUserGetsUpToTheCapAndAClosedStreamBack() {
        StreamQuota quota = new StreamQuota();
        assertTrue(quota.tryOpen("carol", 2));
        assertTrue(quota.tryOpen("carol", 2));
        assertFalse(quota.tryOpen("carol", 2));
        assertTrue(quota.tryOpen("dave", 2), "another user has a count of their own");
        quota.close("carol");
        assertEquals(1, quota.held("carol"));
        assertTrue(quota.tryOpen("carol", 2));
        quota.close("carol");
        quota.close("carol");
        quota.close("carol"); // a close too many never goes below zero
        assertEquals(0, quota.held("carol"));
    }

    @Test
    void concurrentOpensNeverExceedTheCap() throws Exception {
        StreamQuota quota = new StreamQuota();
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 1000; i++) {
            pool.submit(() -> {
                if (quota.tryOpen("carol", 8)) {
                    granted.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(8, granted.get());
        assertEquals(8, quota.held("carol"));
    }
}
