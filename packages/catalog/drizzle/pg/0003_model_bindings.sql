CREATE TABLE "model_bindings" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"model_id" text NOT NULL,
	"binding_json" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "model_bindings" ADD CONSTRAINT "model_bindings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_bindings" ADD CONSTRAINT "model_bindings_model_id_machine_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "machine_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_bindings_model" ON "model_bindings" USING btree ("model_id","created_at");