package dev.kantor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.topology.MetricCatalogue;
import dev.kantor.topology.Services;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;

/**
 * The dashboard and the alerts of the prod overlay (k8s/components/observability) read only what the services expose:
 * every metric they name is in the metric catalogue for the service the query selects, with the label values it
 * filters on, and each service's own test holds the catalogue to its real /q/metrics (CatalogueMetrics). The PodMonitor
 * is what gives every series the service label those queries select by.
 */
class ObservabilityTest {

    static List<HasMetadata> prod;
    static Map<String, List<MetricCatalogue.Entry>> catalogue;

    @BeforeAll
    static void build() throws Exception {
        prod = KubernetesManifestsTest.build("prod");
        catalogue = MetricCatalogue.load();
    }

    /** The dashboard's panels by title: each its queries. */
    static Map<String, List<String>> dashboard() throws Exception {
        ConfigMap dashboards = KubernetesManifestsTest.typed(prod, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().startsWith("kantor-dashboards")).findFirst().orElseThrow();
        assertEquals("1", dashboards.getMetadata().getLabels().get("grafana_dashboard"), "found by Grafana's dashboard sidecar");
        JsonNode json = new ObjectMapper().readTree(dashboards.getData().get("kantor-dashboard.json"));
        assertEquals("kantor-overview", json.path("uid").asText());
        Map<String, List<String>> panels = new TreeMap<>();
        for (JsonNode panel : json.path("panels")) {
            List<String> queries = new ArrayList<>();
            panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
            assertFalse(queries.isEmpty() || queries.contains(""), panel.path("title") + " has queries");
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title") + ": the chosen Prometheus");
            panels.put(panel.path("title").asText(), queries);
        }
        return panels;
    }

    static Map<String, Rule> alerts() {
        Map<String, Rule> alerts = new TreeMap<>();
        for (HasMetadata document : prod) {
            if (document.getKind().equals("PrometheusRule")) {
                PrometheusRule rule = Serialization.unmarshal(Serialization.asJson(document), PrometheusRule.class);
                rule.getSpec().getGroups().forEach(g -> g.getRules().forEach(r -> alerts.put(r.getAlert(), r)));
            }
        }
        return alerts;
    }

    @Test
    void everyMetricOfTheDashboardIsExposedByTheServiceItQueries() throws Exception {
        Map<String, List<String>> panels = dashboard();
        List<String> problems = new ArrayList<>();
        panels.forEach((title, queries) -> queries.forEach(q -> PromQlSelectors.problems(q, catalogue).forEach(p -> problems.add(title + ": " + p))));
        assertEquals(List.of(), problems);
        String all = String.join("\n", panels.values().stream().flatMap(List::stream).toList());
        // What an operator opens it for: the business counters, stage timings, lag per consumer, dead letters.
        for (String metric : List.of("kantor_gateway_requests_total", "kantor_transaction_records_total", "kantor_account_requests_total",
                "kantor_wallet_transactions_total", "kantor_rate_quotes_total", "kantor_consumer_stage_seconds_sum",
                "kafka_consumer_fetch_manager_records_lag_max")) {
            assertTrue(all.contains(metric), "a panel of " + metric);
        }
        assertTrue(panels.values().stream().flatMap(List::stream).anyMatch(q -> q.contains("outcome=\"dead-lettered\"")), "dead letters");
    }

    @Test
    void everyAlertReadsWhatItsServicesExposeAndTheThreeWatchesAreThere() {
        Map<String, Rule> alerts = alerts();
        List<String> problems = new ArrayList<>();
        alerts.forEach((name, rule) -> PromQlSelectors.problems(rule.getExpr().getStrVal(), catalogue).forEach(p -> problems.add(name + ": " + p)));
        assertEquals(List.of(), problems);
        assertTrue(alerts.get("KantorConsumerLagGrowing").getExpr().getStrVal().contains("deriv("), "growing lag");
        assertTrue(alerts.get("KantorDeadLetter").getExpr().getStrVal().contains("outcome=\"dead-lettered\"}[5m])) > 0"), "any dead letter");
        for (String stopped : List.of("KantorTransactionOutcomesStopped", "KantorAccountOutcomesStopped")) {
            String expr = alerts.get(stopped).getExpr().getStrVal();
            // Fires when requests arrive and the outcomes are zero, or absent altogether (the service is gone).
            assertTrue(expr.contains("kantor_gateway_requests_total") && expr.contains("unless on()"), stopped + ": " + expr);
            assertEquals("critical", alerts.get(stopped).getLabels().get("severity"));
        }
        alerts.values().forEach(rule -> assertFalse(rule.getAnnotations().getOrDefault("summary", "").isBlank(), rule.getAlert()));
    }

    @Test
    void theCheckRefusesAMetricOrALabelValueAServiceDoesNotExpose() {
        assertEquals(List.of(), PromQlSelectors.problems("sum by (kind) (rate(kantor_gateway_requests_total{service=\"gateway\",result=\"new\"}[5m]))", catalogue));
        assertEquals(List.of("kantor_gateway_request_total: not in the catalogue of gateway"),
                PromQlSelectors.problems("rate(kantor_gateway_request_total{service=\"gateway\"}[5m])", catalogue));
        assertEquals(List.of("kantor_consumer_records_total: not in the catalogue of rate"),
                PromQlSelectors.problems("kantor_consumer_records_total{service=~\"wallet|rate\"}", catalogue));
        assertEquals(List.of("kantor_consumer_records_total{outcome=\"deadlettered\"}: not in the catalogue of wallet"),
                PromQlSelectors.problems("increase(kantor_consumer_records_total{service=\"wallet\",outcome=\"deadlettered\"}[1h]) > 0", catalogue));
        assertEquals(List.of("kantor_wallet_published_total: names no service (service=\"x\" or service=~\"x|y\")"),
                PromQlSelectors.problems("sum(rate(kantor_wallet_published_total[5m])) > 0 unless on() vector(1)", catalogue));
    }

    @Test
    void thePodMonitorScrapesEveryServiceAndLabelsItsSeriesWithTheService() {
        PodMonitor monitor = prod.stream().filter(d -> d.getKind().equals("PodMonitor"))
                .map(d -> Serialization.unmarshal(Serialization.asJson(d), PodMonitor.class)).findFirst().orElseThrow();
        assertEquals(1, monitor.getSpec().getPodMetricsEndpoints().size());
        PodMetricsEndpoint endpoint = monitor.getSpec().getPodMetricsEndpoints().get(0);
        assertEquals("/q/metrics", endpoint.getPath());
        assertTrue(endpoint.getRelabelings().stream().anyMatch(r -> "service".equals(r.getTargetLabel())
                && r.getSourceLabels().equals(List.of("__meta_kubernetes_pod_label_app_kubernetes_io_name"))), "service=<app>");
        Set<String> scraped = new TreeSet<>();
        for (Deployment deployment : KubernetesManifestsTest.typed(prod, Deployment.class)) {
            Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            if (NetworkPolicyRulesTest.Network.selects(monitor.getSpec().getSelector(), labels)) {
                assertTrue(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                        .anyMatch(p -> p.getName().equals(endpoint.getPort())), deployment.getMetadata().getName() + " has the port");
                scraped.add(labels.get("app.kubernetes.io/name"));
            }
        }
        assertEquals(new TreeSet<>(Services.PORTS.keySet()), scraped, "every service scraped");
        assertEquals(new TreeSet<>(Services.PORTS.keySet()), new TreeSet<>(catalogue.keySet()), "a catalogue of every service");
        HasMetadata rules = prod.stream().filter(d -> d.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
        assertEquals(monitor.getMetadata().getLabels().get("release"), rules.getMetadata().getLabels().get("release"), "one Prometheus selects both");
    }
}
