package validators

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestAbsoluteHTTPURL(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value   types.String
		wantErr bool
	}{
		"https":             {value: types.StringValue("https://api.xdr.trendmicro.com")},
		"http with port":    {value: types.StringValue("http://127.0.0.1:8080")},
		"with a path":       {value: types.StringValue("https://proxy.example.com/visionone/")},
		"null":              {value: types.StringNull()},
		"unknown":           {value: types.StringUnknown()},
		"no scheme":         {value: types.StringValue("api.xdr.trendmicro.com"), wantErr: true},
		"ftp":               {value: types.StringValue("ftp://api.xdr.trendmicro.com"), wantErr: true},
		"no host":           {value: types.StringValue("https://"), wantErr: true},
		"only a port":       {value: types.StringValue("http://:8080"), wantErr: true},
		"query string":      {value: types.StringValue("https://api.xdr.trendmicro.com?x=1"), wantErr: true},
		"fragment":          {value: types.StringValue("https://api.xdr.trendmicro.com#top"), wantErr: true},
		"user info":         {value: types.StringValue("https://user:secret@api.xdr.trendmicro.com"), wantErr: true},
		"unparseable":       {value: types.StringValue("http://[::1"), wantErr: true},
		"empty":             {value: types.StringValue(""), wantErr: true},
		"space in the host": {value: types.StringValue("http://exa mple.com"), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			defer func() {
				for _, d := range resp.Diagnostics {
					if strings.Contains(d.Detail(), "secret") {
						t.Errorf("the diagnostic shows the URL's password: %s", d.Detail())
					}
				}
			}()
			AbsoluteHTTPURL().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("endpoint"), ConfigValue: tc.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantErr {
				t.Errorf("HasError() = %v, want %v (diagnostics: %v)", got, tc.wantErr, resp.Diagnostics)
			}
		})
	}
}

func TestDurationBetween(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		value   types.String
		wantErr bool
	}{
		"seconds":       {value: types.StringValue("30s")},
		"compound":      {value: types.StringValue("1m30s")},
		"the maximum":   {value: types.StringValue("10m")},
		"null":          {value: types.StringNull()},
		"unknown":       {value: types.StringUnknown()},
		"no unit":       {value: types.StringValue("30"), wantErr: true},
		"words":         {value: types.StringValue("thirty seconds"), wantErr: true},
		"below minimum": {value: types.StringValue("500ms"), wantErr: true},
		"above maximum": {value: types.StringValue("11m"), wantErr: true},
		"negative":      {value: types.StringValue("-5s"), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			DurationBetween(time.Second, 10*time.Minute).ValidateString(context.Background(), validator.StringRequest{Path: path.Root("request_timeout"), ConfigValue: tc.value}, resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantErr {
				t.Errorf("HasError() = %v, want %v (diagnostics: %v)", got, tc.wantErr, resp.Diagnostics)
			}
		})
	}
}
