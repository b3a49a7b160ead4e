/**
 * {@code webhooks.wait}: a survey of admission webhooks and their endpoints, a pure {@code
 * WebhookDecision} (relax, restore or wait, with why), the probes, the failure-policy patch and the
 * nudge that makes a relaxed webhook's own controllers retry now.
 */
package io.eksscheduler.actions.webhooks;
