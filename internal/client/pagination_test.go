package client_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// pagedKeys answers the API-key list with the pages of pages, each a body after "top=200" or the
// skipToken of the link before it; "{host}" in a body is the server's host.
func pagedKeys(t *testing.T, pages map[string]string) *client.Client {
	t.Helper()
	return newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.RawQuery]
		if !ok {
			writeJSON(w, 404, `{"error":{"code":"NotFound","message":"no such page"}}`)
			return
		}
		writeJSON(w, 200, string(bytes.ReplaceAll([]byte(body), []byte("{host}"), []byte(r.Host))))
	})
}

// listKeysWarned lists the API keys through c, and returns them with the warnings the listing
// logged.
func listKeysWarned(t *testing.T, c *client.Client) ([]client.APIKey, []map[string]any) {
	t.Helper()
	var logs bytes.Buffer
	keys, err := c.ListAPIKeys(tflogtest.RootLogger(context.Background(), &logs), "")
	if err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	var warnings []map[string]any
	for _, e := range entries {
		if e["@level"] == "warn" {
			warnings = append(warnings, e)
		}
	}
	return keys, warnings
}

// TestPaginationFollowsODataNextLink: a page that gives its link as @odata.nextLink, the spelling
// third-party scripts also read, is followed as one with nextLink; nextLink wins when both are
// there. The items match the first page's totalCount, so no warning is logged.
func TestPaginationFollowsODataNextLink(t *testing.T) {
	t.Parallel()
	c := pagedKeys(t, map[string]string{
		"top=200": `{"totalCount":3,"count":1,"items":[{"id":"k1","name":"one"}],` +
			`"@odata.nextLink":"http://{host}/v3.0/iam/apiKeys?skipToken=p2"}`,
		"skipToken=p2": `{"totalCount":3,"count":1,"items":[{"id":"k2","name":"two"}],` +
			`"nextLink":"http://{host}/v3.0/iam/apiKeys?skipToken=p3","@odata.nextLink":"http://{host}/v3.0/iam/apiKeys?skipToken=wrong"}`,
		"skipToken=p3": `{"totalCount":3,"count":1,"items":[{"id":"k3","name":"three"}]}`,
	})
	keys, warnings := listKeysWarned(t, c)
	if len(keys) != 3 || keys[0].ID != "k1" || keys[1].ID != "k2" || keys[2].ID != "k3" {
		t.Errorf("keys %+v, want k1, k2 and k3 from the three pages", keys)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %v for a list as long as its totalCount", warnings)
	}
}

// TestPaginationWarnsOfAShortList: a list that ends (no link) with fewer items than its first
// page's totalCount is returned as read, with a warning in the log: objects may be deleted while
// the pages are read, so it is no error.
func TestPaginationWarnsOfAShortList(t *testing.T) {
	t.Parallel()
	c := pagedKeys(t, map[string]string{
		"top=200": `{"totalCount":3,"count":1,"items":[{"id":"k1","name":"one"}],` +
			`"nextLink":"http://{host}/v3.0/iam/apiKeys?skipToken=p2"}`,
		"skipToken=p2": `{"totalCount":2,"count":1,"items":[{"id":"k2","name":"two"}]}`,
	})
	keys, warnings := listKeysWarned(t, c)
	if len(keys) != 2 {
		t.Errorf("keys %+v, want the two listed", keys)
	}
	if len(warnings) != 1 || warnings[0]["@module"] != "provider.visionone_api" || warnings[0]["total_count"] != float64(3) ||
		warnings[0]["items"] != float64(2) || warnings[0]["path"] != "/v3.0/iam/apiKeys" {
		t.Errorf("warnings %v, want one naming the list, its totalCount 3 and the 2 items read", warnings)
	}
}
