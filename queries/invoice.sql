-- Short-term rentals: invoices and their gapless numbering.

-- name: InsertInvoice :one
INSERT INTO invoices (org_id, number, status, owner_id, bill_to_name, bill_to_email, bill_to_address, booking_id, currency,
    tax_rate, payment_terms_days, issue_date, due_date, notes, lines, tax_breakdown, subtotal, tax_total, total,
    payment_reference, void_reason, sent_at, paid_at, voided_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.narg(number), sqlc.arg(status), sqlc.narg(owner_id), sqlc.arg(bill_to_name), sqlc.arg(bill_to_email),
    sqlc.arg(bill_to_address), sqlc.narg(booking_id), sqlc.arg(currency), sqlc.narg(tax_rate), sqlc.arg(payment_terms_days),
    sqlc.narg(issue_date), sqlc.narg(due_date), sqlc.arg(notes), sqlc.arg(lines), sqlc.arg(tax_breakdown), sqlc.arg(subtotal),
    sqlc.arg(tax_total), sqlc.arg(total), sqlc.arg(payment_reference), sqlc.arg(void_reason), sqlc.narg(sent_at),
    sqlc.narg(paid_at), sqlc.narg(voided_at), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetInvoice :one
SELECT * FROM invoices WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateInvoice :execrows
UPDATE invoices
SET number = sqlc.narg(number), status = sqlc.arg(status), owner_id = sqlc.narg(owner_id), bill_to_name = sqlc.arg(bill_to_name),
    bill_to_email = sqlc.arg(bill_to_email), bill_to_address = sqlc.arg(bill_to_address), booking_id = sqlc.narg(booking_id),
    currency = sqlc.arg(currency), tax_rate = sqlc.narg(tax_rate), payment_terms_days = sqlc.arg(payment_terms_days),
    issue_date = sqlc.narg(issue_date), due_date = sqlc.narg(due_date), notes = sqlc.arg(notes), lines = sqlc.arg(lines),
    tax_breakdown = sqlc.arg(tax_breakdown), subtotal = sqlc.arg(subtotal), tax_total = sqlc.arg(tax_total), total = sqlc.arg(total),
    payment_reference = sqlc.arg(payment_reference), void_reason = sqlc.arg(void_reason), sent_at = sqlc.narg(sent_at),
    paid_at = sqlc.narg(paid_at), voided_at = sqlc.narg(voided_at), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListInvoices :many
WITH capped AS (SELECT 1 FROM invoices WHERE invoices.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR invoices.status = sqlc.arg(status)) AND (CAST(sqlc.arg(owner_id) AS BIGINT) = 0 OR invoices.owner_id = sqlc.arg(owner_id)) AND invoices.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(invoices), (SELECT count(*) FROM capped) AS total
FROM invoices
WHERE invoices.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR invoices.status = sqlc.arg(status))
  AND (CAST(sqlc.arg(owner_id) AS BIGINT) = 0 OR invoices.owner_id = sqlc.arg(owner_id))
  AND invoices.updated_at >= sqlc.arg(updated_since)
  AND invoices.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: NextInvoiceSeq :one
-- The upsert locks the counter row until the transaction ends: a second
-- sender waits, then counts from the first one's committed value.
INSERT INTO invoice_counters (org_id, period, last_seq) VALUES (sqlc.arg(org_id), sqlc.arg(period), 1)
ON CONFLICT (org_id, period) DO UPDATE SET last_seq = invoice_counters.last_seq + 1
RETURNING last_seq;
