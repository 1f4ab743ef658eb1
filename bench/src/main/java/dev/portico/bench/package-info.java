/** Load generators and benchmark drivers for {@code bench/run.sh}; not shipped in the app. */
package dev.portico.bench;
