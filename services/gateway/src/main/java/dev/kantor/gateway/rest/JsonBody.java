package dev.kantor.gateway.rest;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.service.rest.Problems;
import dev.kantor.gateway.domain.FieldError;

/**
 * A request body read as a JSON tree, so that every problem names its field: malformed JSON or UTF-8, a field twice
 * or one the request does not have, a field of the wrong type, text that is not valid Unicode, a number that is not
 * exact. Numbers are read as BigDecimal, never through a double.
 * <p>
 * Strict on purpose: JSON is UTF-8 whatever the Content-Type's charset says (RFC 8259), and two parsers that disagree
 * on a duplicate key or on trailing bytes are how requests get smuggled past a check; a misspelt field ("ammount")
 * is refused instead of silently ignored.
 */
final class JsonBody {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** A decimal written out plainly: digits, at most one point, a minus sign only so that the rules can say "positive". */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** The body as a JSON object with no other fields than those named. */
    static JsonBody parse(byte[] body, Set<String> fields) {
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
            throw new FieldError("body", "a JSON object is required");
        }
        JsonNode root;
        try {
            // From bytes: Jackson decodes UTF-8 itself and refuses invalid sequences.
            root = JSON.readTree(body);
        } catch (java.io.IOException e) {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new FieldError("body", "malformed JSON: " + message);
        } catch (NumberFormatException | ArithmeticException e) {
            // A number no BigDecimal holds (1e999999999999): Jackson gives up on it while reading the tree.
            throw new FieldError("body", "a number in the body is out of range: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new FieldError("body", "the body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new FieldError(name, "this request has no field " + Problems.quoted(name)
                        + " (it has " + fields.stream().sorted().toList() + ")");
            }
        }
        return new JsonBody(root);
    }

    String text(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new FieldError(field, field + " must be a string");
        }
        String text = node.asText();
        if (!wellFormed(text)) {
            throw new FieldError(field, field + " must be Unicode text (an unpaired surrogate escape is not)");
        }
        return text;
    }

    BigDecimal decimal(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isTextual() && PLAIN_DECIMAL.matcher(node.asText()).matches()) {
                return new BigDecimal(node.asText());
            }
            if (node.isNumber()) {
                return node.decimalValue();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new FieldError(field, field + " must be a decimal number such as \"12.50\" (digits and one point)");
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
