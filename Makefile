# Operations shortcuts. Rollback: preview with rollback-plan-<svc>, then rollback-<svc> (docs/RUNBOOK.md).
SERVICES := api redirect prober risk
COMPOSE ?= docker compose

.PHONY: dev up down ps logs test-infra nginx-render

dev: ## local platform without Docker: migrate, API, two redirect replicas, workers, nginx on :8080
	pnpm dev

up: ## the compose stack (needs .env, see .env.example)
	$(COMPOSE) up -d --build

down:
	$(COMPOSE) down

ps:
	$(COMPOSE) ps

logs:
	$(COMPOSE) logs -f --tail 100

test-infra: ## nginx, promtool, amtool, compose, rollback and edge tests
	cd infra && npx vitest run

nginx-render: ## render the edge config for a local nginx into .tmp/nginx
	node infra/scripts/render-nginx.mjs .tmp/nginx

.PHONY: rollback-plan-api rollback-api
rollback-plan-api: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run api
rollback-api: ## switch to PREVIOUS_API_IMAGE_TAG, restart, wait healthy, record telemetry
	infra/scripts/rollback.sh api

.PHONY: rollback-plan-redirect rollback-redirect
rollback-plan-redirect: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run redirect
rollback-redirect: ## switch to PREVIOUS_REDIRECT_IMAGE_TAG, restart, wait healthy, record telemetry
	infra/scripts/rollback.sh redirect

.PHONY: rollback-plan-prober rollback-prober
rollback-plan-prober: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run prober
rollback-prober: ## switch to PREVIOUS_PROBER_IMAGE_TAG, restart, wait healthy, record telemetry
	infra/scripts/rollback.sh prober

.PHONY: rollback-plan-risk rollback-risk
rollback-plan-risk: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run risk
rollback-risk: ## switch to PREVIOUS_RISK_IMAGE_TAG, restart, wait healthy, record telemetry
	infra/scripts/rollback.sh risk

.PHONY: rollback-plan-all rollback-all
rollback-plan-all: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run all
rollback-all: ## every app service, redirect first, wait healthy, record telemetry
	infra/scripts/rollback.sh all

.PHONY: rollback-plan-click-writer rollback-click-writer
rollback-plan-click-writer: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run click-writer
rollback-click-writer: ## switch to PREVIOUS_CLICK_WRITER_IMAGE_TAG, restart, wait healthy, record telemetry
	infra/scripts/rollback.sh click-writer

.PHONY: rollback-plan-web rollback-web
rollback-plan-web: ## preview: prints the exact .env and state changes, changes nothing
	infra/scripts/rollback.sh --dry-run web
rollback-web: ## switch to PREVIOUS_WEB_IMAGE_TAG, restart, wait healthy, record telemetry
	infra/scripts/rollback.sh web
