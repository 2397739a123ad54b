"""What the parallel-suite apps keep on their lifespan: a resource their lifespan opens and closes
(as a service's database pool), and counts of their lifespan startups and shutdowns."""


class Resource:
    def __init__(self, serial):
        self.serial = serial
        self.is_open = True

    def close(self):
        self.is_open = False

    def use(self):
        if not self.is_open:
            raise RuntimeError("resource %d used after lifespan shutdown closed it" % self.serial)
        return self.serial


class LifespanCounts:
    def __init__(self):
        self.startups = 0
        self.shutdowns = 0

    def report(self, resource):
        """What a request answers: the resource it used, and how many lifespans ran so far."""
        return {"serial": resource.use(), "startups": self.startups, "shutdowns": self.shutdowns}
