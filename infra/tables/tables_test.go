package tables_test

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/infra/ddblocal"
	"eportal/infra/tables"
	"eportal/infra/template"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

func streamOf(t *testing.T, db *dynamodb.Client, name string) *types.StreamSpecification {
	t.Helper()
	out, err := db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		t.Fatal(err)
	}
	return out.Table.StreamSpecification
}

// TestCreateStream: a new table has the template's stream (a test's only
// when it asks), and an older one without it (make run's data from before
// the search indexer) gets it at the next start.
func TestCreateStream(t *testing.T) {
	db := ddblocal.MustClient(t)
	ctx := context.Background()
	name := tables.MustCreateWithStream(t, db)
	if s := streamOf(t, db, name); s == nil || !aws.ToBool(s.StreamEnabled) || s.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Errorf("new table's stream = %+v; want NEW_AND_OLD_IMAGES", s)
	}
	if s := streamOf(t, db, tables.MustCreate(t, db)); s != nil && aws.ToBool(s.StreamEnabled) {
		t.Errorf("a test table without a stream asked for has one: %+v", s)
	}

	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := template.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := tpl.TableInput("older-" + name)
	if err != nil {
		t.Fatal(err)
	}
	in.StreamSpecification = nil
	if _, err := db.CreateTable(ctx, in); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: in.TableName})
	})
	if s := streamOf(t, db, *in.TableName); s != nil && aws.ToBool(s.StreamEnabled) {
		t.Fatalf("older table has a stream already: %+v", s)
	}
	created, err := tables.Create(ctx, db, *in.TableName)
	if err != nil || created {
		t.Fatalf("Create on an existing table = %v, %v; want false, nil", created, err)
	}
	if s := streamOf(t, db, *in.TableName); s == nil || !aws.ToBool(s.StreamEnabled) || s.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Errorf("older table's stream after Create = %+v; want NEW_AND_OLD_IMAGES", s)
	}
	if created, err := tables.Create(ctx, db, *in.TableName); err != nil || created {
		t.Errorf("Create again = %v, %v; want false, nil", created, err)
	}
}
