"""The one error the portrait kernels raise for data they cannot work on."""


class PortraitError(ValueError):
    """The order data cannot be turned into portraits (missing columns, no orders, too few customers...).

    The message names the column or the rule that failed, in words a merchandiser
    can act on; a run that meets one stores the message as its error.
    """
