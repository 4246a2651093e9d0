package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"time"

	"porter"
	"porter/postgres/internal/db"
)

// ERP / accounting posting: an integration's posting rules and postings.
// A posting's document is the posting as JSON; its columns are what
// queries select and order by.

func (t *tx) PostingRules(ctx context.Context, integrationID int64) (*porter.PostingSetup, error) {
	r, err := t.q.GetPostingRules(ctx, db.GetPostingRulesParams{OrgID: t.orgID, IntegrationID: integrationID})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "integration %d has no posting rules", integrationID)
	} else if err != nil {
		return nil, fmt.Errorf("posting rules: %w", err)
	}
	return postingSetup(integrationID, r.Rules, r.WebhookID)
}

func postingSetup(integrationID int64, rules string, webhookID *int64) (*porter.PostingSetup, error) {
	s := &porter.PostingSetup{IntegrationID: integrationID, WebhookID: webhookID, Rules: &porter.PostingRules{}}
	if err := json.Unmarshal([]byte(rules), s.Rules); err != nil {
		return nil, fmt.Errorf("integration %d: stored posting rules: %w", integrationID, err)
	}
	return s, nil
}

func (t *tx) PutPostingRules(ctx context.Context, s *porter.PostingSetup, now time.Time) error {
	b, err := json.Marshal(s.Rules)
	if err != nil {
		return err
	}
	if err := t.q.PutPostingRules(ctx, db.PutPostingRulesParams{IntegrationID: s.IntegrationID, OrgID: t.orgID, Rules: string(b),
		WebhookID: s.WebhookID, UpdatedAt: now}); err != nil {
		return fmt.Errorf("put posting rules: %w", err)
	}
	return nil
}

func (t *tx) PostingSetups(ctx context.Context) ([]*porter.PostingSetup, error) {
	rows, err := t.q.ListPostingRules(ctx, t.orgID)
	if err != nil {
		return nil, fmt.Errorf("list posting rules: %w", err)
	}
	out := make([]*porter.PostingSetup, 0, len(rows))
	for _, r := range rows {
		s, err := postingSetup(r.IntegrationID, r.Rules, r.WebhookID)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (t *tx) InsertPosting(ctx context.Context, p *porter.IntegrationPosting) (bool, error) {
	doc, err := json.Marshal(p)
	if err != nil {
		return false, err
	}
	period, seq := porter.PostingInvoiceCounter(p)
	ids, err := t.q.InsertPosting(ctx, db.InsertPostingParams{OrgID: t.orgID, IntegrationID: p.IntegrationID, SourceKey: p.Source.Key,
		SourceType: p.Source.Type, SourceID: p.Source.ID, Rule: p.Rule, Period: p.Period, EntryDate: p.Date, Amount: int64(p.Amount),
		Currency: p.Currency, InvoicePeriod: period, InvoiceSeq: int32(seq), Document: string(doc), WebhookID: p.WebhookID,
		CreatedAt: p.CreatedAt})
	if err != nil || len(ids) == 0 {
		return false, err
	}
	p.ID = ids[0]
	return true, nil
}

func (t *tx) SetPostingEvent(ctx context.Context, p *porter.IntegrationPosting) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	n, err := t.q.SetPostingDocument(ctx, db.SetPostingDocumentParams{Document: string(doc), EventID: p.EventID, OrgID: t.orgID, ID: p.ID})
	return affected(n, err, "posting", p.ID)
}

func (t *tx) NextPostingInvoiceSeq(ctx context.Context, integrationID int64, period string) (int64, error) {
	return t.q.NextPostingInvoiceSeq(ctx, db.NextPostingInvoiceSeqParams{OrgID: t.orgID, IntegrationID: integrationID, InvoicePeriod: period})
}

func (t *tx) Posting(ctx context.Context, integrationID, id int64) (*porter.IntegrationPosting, error) {
	r, err := t.q.GetPosting(ctx, db.GetPostingParams{OrgID: t.orgID, IntegrationID: integrationID, ID: id})
	if err != nil {
		return nil, notFound(err, "posting", id)
	}
	return posting(r)
}

func posting(r db.IntegrationPosting) (*porter.IntegrationPosting, error) {
	p := &porter.IntegrationPosting{}
	if err := json.Unmarshal([]byte(r.Document), p); err != nil {
		return nil, fmt.Errorf("posting %d: stored document: %w", r.ID, err)
	}
	p.ID, p.IntegrationID, p.EventID, p.WebhookID, p.CreatedAt = r.ID, r.IntegrationID, r.EventID, r.WebhookID, r.CreatedAt
	return p, nil
}

func postingsTo(f porter.PostingFilter) time.Time {
	if f.To != nil {
		return *f.To
	}
	return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
}

func (t *tx) Postings(ctx context.Context, f porter.PostingFilter) (porter.List[*porter.IntegrationPosting], error) {
	rows, err := t.q.ListPostings(ctx, db.ListPostingsParams{OrgID: t.orgID, IntegrationID: f.IntegrationID, SourceType: f.SourceType,
		FromAt: since(f.From), ToAt: postingsTo(f), BelowID: f.Below(), Lim: int32(f.Limit()), Off: int32(f.Offset())})
	if err != nil {
		return porter.List[*porter.IntegrationPosting]{}, fmt.Errorf("list postings: %w", err)
	}
	var out porter.List[*porter.IntegrationPosting]
	for _, r := range rows {
		p, err := posting(r.IntegrationPosting)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, p)
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) ExportPostings(ctx context.Context, f porter.PostingFilter, afterID int64, limit int) ([]*porter.IntegrationPosting, error) {
	rows, err := t.q.ExportPostings(ctx, db.ExportPostingsParams{OrgID: t.orgID, IntegrationID: f.IntegrationID,
		FromAt: since(f.From), ToAt: postingsTo(f), AfterID: afterID, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("export postings: %w", err)
	}
	out := make([]*porter.IntegrationPosting, 0, len(rows))
	for _, r := range rows {
		p, err := posting(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (t *tx) ClosedWorkOrderCosts(ctx context.Context, from, to time.Time) ([]porter.ClosedWorkOrderCost, error) {
	rows, err := t.q.ListClosedWorkOrderCosts(ctx, db.ListClosedWorkOrderCostsParams{OrgID: t.orgID,
		FromAt: &from, ToAt: &to})
	if err != nil {
		return nil, fmt.Errorf("closed work order costs: %w", err)
	}
	out := make([]porter.ClosedWorkOrderCost, len(rows))
	for i, r := range rows {
		out[i] = porter.ClosedWorkOrderCost{ID: r.ID, PropertyID: r.PropertyID, Category: r.Category, VendorID: r.VendorID, Cost: porter.Money(r.Cost)}
	}
	return out, nil
}
