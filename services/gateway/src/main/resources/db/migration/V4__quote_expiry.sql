-- Expired quotes are swept (a batch at a time, whenever a new quote is given) once past their retention
-- (kantor.gateway.quote.retention): until then a request naming one is told it expired (422), afterwards that it
-- does not exist (404).
CREATE INDEX quote_expires_at ON quote (expires_at);
