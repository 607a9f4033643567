package dev.kantor.gateway.rest;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.gateway.domain.FieldError;

/**
 * A request body read as a JSON tree, so that every problem names its field: malformed JSON, a field of the wrong
 * type, a number that is not exact. Numbers are read as BigDecimal, never through a double.
 */
final class JsonBody {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    static JsonBody parse(String body) {
        if (body == null || body.isBlank()) {
            throw new FieldError("body", "a JSON object is required");
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new FieldError("body", "the body must be a JSON object");
            }
            return new JsonBody(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FieldError("body", "malformed JSON: " + e.getOriginalMessage());
        }
    }

    String text(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new FieldError(field, field + " must be a string");
        }
        return node.asText();
    }

    BigDecimal decimal(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isTextual()) {
                return new BigDecimal(node.asText().strip());
            }
            if (node.isNumber()) {
                return node.decimalValue();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FieldError(field, field + " must be a decimal number such as \"12.50\"");
    }
}
