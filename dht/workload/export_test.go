package workload

// CheckMemory exposes Slot.checkMemory to the package's tests.
func (w Slot) CheckMemory(validators int, available uint64) error {
	return w.checkMemory(validators, available)
}
