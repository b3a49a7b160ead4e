/**
 * The originals protocol: what a stop records and a wake restores, the same way for every kind of
 * object (ledger first, mark and change in one request, never overwrite, the ledger wins, restore
 * then clear). Needs no other actions package.
 */
package io.eksscheduler.actions.originals;
