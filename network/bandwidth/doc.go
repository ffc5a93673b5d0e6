// Package bandwidth reads and draws the rates of nodes' links: how many
// bytes a second a node uploads or downloads. A Spec is a distribution of
// such a rate over nodes (one rate, uniform, lognormal, or unlimited),
// written in bits per second as network operators do (fixed:100Mbit,
// uniform:10Mbit-1Gbit, lognormal:50Mbit,0.5) and held in bytes per
// second. The p2psimpy notebook this project started from gives every
// peer an upload and a download rate drawn from such a distribution.
package bandwidth
