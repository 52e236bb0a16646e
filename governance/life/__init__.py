"""The life of the partnership beyond referrals (issue 18): partnership activities (art. 2 and
3.2), news to the networks (art. 6), programmes and the files' entries into them, the agreement's
termination and renewal. ``models`` (registered by ``governance.models``), ``actions`` (the one
door per change), ``forms``, ``views``, ``urls``, ``digest`` (the monthly news e-mail), ``timeline``
(programme entries on the person's path)."""
