/**
 * Launchers for the Java peers that bench/run.sh measures beside Portico: Apache MINA FtpServer, GreenMail
 * and SubEthaSMTP, each configured for loopback, a high port and no per-command logging (no SLF4J provider
 * is on the bench class path, so every peer logs nothing). Each prints {@code ready} and runs until killed.
 */
package dev.portico.bench.peers;
