package http

import (
	"fmt"
	"net/http"
	"strconv"

	"porter"
)

type (
	statementView  = porter.Statement
	statementInput = porter.StatementInput
)

func (s *Server) handleListStatements() handlerFunc {
	return listOf(s, func(q *query) porter.StatementFilter {
		month := q.str("month")
		if month != "" {
			if _, err := porter.ParseMonth(month); err != nil {
				q.err.Add("month", "%s", err)
			}
		}
		return porter.StatementFilter{ListParams: q.list(), OwnerID: q.id("owner_id"), Month: month}
	}, s.svc.Statements)
}

// handleGenerateStatements answers 201 with the statements it drew up
// (one per currency), or 200 with those already drawn up for the month.
func (s *Server) handleGenerateStatements() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "owner")
		if err != nil {
			return err
		}
		in, err := decode[statementInput](s, w, r)
		if err != nil {
			return err
		}
		sts, created, err := s.svc.GenerateStatements(upserted(r, statementsBody), orgID(r), id, in)
		if err != nil {
			return err
		}
		if !created {
			writeJSON(w, http.StatusOK, statementsBody(sts))
			return nil
		}
		return encode(w, r, statementsBody(sts))
	}
}

// statementsBody is the answer to a statement generation: the
// idempotency layer stores the same bytes with the write.
func statementsBody(sts []*porter.Statement) any {
	if sts == nil {
		sts = []*porter.Statement{}
	}
	return data{sts}
}

// handleStatementDocument serves a statement as CSV or PDF, to download.
func (s *Server) handleStatementDocument(format, contentType string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "statement")
		if err != nil {
			return err
		}
		st, b, err := s.svc.StatementDocument(r.Context(), orgID(r), id, format)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("statement-%s-owner-%d-%s.%s", st.Month, st.OwnerID, st.Currency, format)
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(name))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(b)
		return err
	}
}
