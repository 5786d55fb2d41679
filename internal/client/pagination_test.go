package client_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
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

// TestPaginationTotalCountInAnyForm: totalCount only feeds a warning, so a page is read whatever
// its form: a number written as a string or with a fraction counts, anything else is ignored.
func TestPaginationTotalCountInAnyForm(t *testing.T) {
	t.Parallel()
	for total, warns := range map[string]bool{`"3"`: true, `3.0`: true, `"many"`: false, `null`: false, `{"value":3}`: false, `-1`: false} {
		t.Run(total, func(t *testing.T) {
			t.Parallel()
			c := pagedKeys(t, map[string]string{
				"top=200": `{"totalCount":` + total + `,"items":[{"id":"k1","name":"one"},{"id":"k2","name":"two"}]}`,
			})
			keys, warnings := listKeysWarned(t, c)
			if len(keys) != 2 {
				t.Errorf("keys %+v, want the two listed", keys)
			}
			if got := len(warnings) == 1 && warnings[0]["total_count"] == float64(3); got != warns || len(warnings) > 1 {
				t.Errorf("warnings %v, want a warning of the totalCount 3: %t", warnings, warns)
			}
		})
	}
}

// TestPaginationReadsScalarsInAnotherType: an item whose id or text is a number, or whose flag is
// a string holding a boolean, is read for the value it spells rather than failing the whole list
// (decode.go): one such object would break every read of its collection.
func TestPaginationReadsScalarsInAnotherType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newHandlerClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3.0/iam/apiKeys":
			writeJSON(w, http.StatusOK, `{"items":[{"id":12,"name":"one","description":5,"status":"enabled"},`+
				`{"id":"k2","name":true,"Description":"d"}]}`)
		case "/v3.0/iam/roles":
			writeJSON(w, http.StatusOK, `{"items":[{"id":"r1","name":"ops","allowApiKeyAssignment":"true",`+
				`"allowUserAccountAssignment":"False","description":1.5,"permissionKeys":["a"]}]}`)
		default:
			writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"Not found"}}`)
		}
	})
	keys, err := c.ListAPIKeys(ctx, "")
	if err != nil || len(keys) != 2 || keys[0].ID != "12" || keys[0].Description != "5" || keys[0].Status != client.StatusEnabled ||
		keys[1].ID != "k2" || keys[1].Name != "true" || keys[1].Description != "d" {
		t.Errorf("ListAPIKeys = %+v, %v; want id 12 and description 5 read as text, name true as text", keys, err)
	}
	roles, err := c.ListRoles(ctx, "")
	if err != nil || len(roles) != 1 || !roles[0].AllowAPIKeyAssignment || roles[0].AllowUserAccountAssignment ||
		roles[0].Description != "1.5" {
		t.Errorf("ListRoles = %+v, %v; want the flags read from their strings, the description as text", roles, err)
	}
}

// TestPaginationFailsOnAnUnreadableItem: a member that spells no value of its field's type (an
// object for a name) still fails the list, with what could not be read: the object would be read
// without it, and a write from that reading could overwrite it.
func TestPaginationFailsOnAnUnreadableItem(t *testing.T) {
	t.Parallel()
	c := pagedKeys(t, map[string]string{"top=200": `{"items":[{"id":"k1","name":{"text":"one"}}]}`})
	if _, err := c.ListAPIKeys(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "name") {
		t.Errorf("ListAPIKeys = %v, want an error naming the field it could not read", err)
	}
}
